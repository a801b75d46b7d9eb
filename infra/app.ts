import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConveyorStack } from './ConveyorStack.js';
import { propsFromContext } from './context.js';
import { STACK_ID } from './synthesize.js';

/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy`, configured with context
 * values, e.g. `npx cdk deploy -c resourcePrefix=dev -c destroyDataOnDelete=true`
 * (parsed by `propsFromContext`: a malformed value stops the synthesis).
 * cdk-nag's AWS Solutions pack checks it on every synth and fails it on any
 * unacknowledged finding.
 */
const app = new App();
new ConveyorStack(app, STACK_ID, propsFromContext((key) => app.node.tryGetContext(key)));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
