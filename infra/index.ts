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
 *
 * @example
 * // Or inside a stack of your own, with declared topics, subscriptions and consumers:
 * const conveyor = new Conveyor(stack, 'Conveyor', { resourcePrefix: 'shop' });
 * const billing = conveyor.addTopic('orders', { partitions: 4 }).addSubscription('billing', { maxDeliveries: 5 });
 * billing.addLambdaConsumer(billingFn, { batchSize: 10 });
 */
export { ConveyorStack } from './ConveyorStack.js';
export type { ConveyorSettings, ConveyorStackProps, LogLevel } from './settings.js';
export { Conveyor } from './Conveyor.js';
export type { ConveyorProps } from './settings.js';
export { ConveyorTopic, type ConveyorTopicProps } from './declared/ConveyorTopic.js';
export { ConveyorSubscription, type ConveyorSubscriptionProps } from './declared/ConveyorSubscription.js';
export { ConveyorSchedule, type ConveyorScheduleProps } from './declared/ConveyorSchedule.js';
export { IDEMPOTENCY_TABLE_ENV, type LambdaConsumerOptions } from './declared/lambdaConsumer.js';
