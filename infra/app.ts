import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConveyorStack } from './ConveyorStack.js';
import { STACK_ID } from './synthesize.js';
import type { ConveyorStackProps, LogLevel } from './settings.js';

/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy`, configured with context
 * values, e.g. `npx cdk deploy -c resourcePrefix=dev -c destroyDataOnDelete=true`.
 * cdk-nag's AWS Solutions pack checks it on every synth and fails it on any
 * unacknowledged finding.
 */
const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === '' ? undefined : String(value);
};
const list = (value: string | undefined): string[] | undefined => value?.split(',').map((item) => item.trim());

const props: ConveyorStackProps = {
  stackName: context('stackName'),
  resourcePrefix: context('resourcePrefix'),
  destroyDataOnDelete: context('destroyDataOnDelete') === 'true',
  jwtIssuer: context('jwtIssuer'),
  jwtAudience: list(context('jwtAudience')),
  alarmEmail: context('alarmEmail'),
  logLevel: context('logLevel') as LogLevel | undefined,
};
new ConveyorStack(app, STACK_ID, props);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
