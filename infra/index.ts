/**
 * `conveyor/cdk`: the constructs a CDK app uses to deploy Conveyor. Only
 * re-exports; aws-cdk-lib and constructs are the app's own (peer dependencies).
 *
 * @example
 * import { App } from 'aws-cdk-lib';
 * import { ConveyorStack } from 'conveyor/cdk';
 *
 * const app = new App();
 * new ConveyorStack(app, 'Conveyor', { resourcePrefix: 'dev' });
 * app.synth();
 */
export { ConveyorStack } from './ConveyorStack.js';
export type { ConveyorSettings, ConveyorStackProps, LogLevel } from './settings.js';
