import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Conveyor } from '../../infra/Conveyor.js';
import type { ConveyorSubscription } from '../../infra/declared/ConveyorSubscription.js';
import type { ConveyorTopic } from '../../infra/declared/ConveyorTopic.js';
import type { ConveyorProps } from '../../infra/settings.js';
import { SKIP_BUNDLING } from './fixtures.js';

/** A user's CDK app with a Conveyor in its own stack: the example, declared. */
export interface ShopApp {
  readonly app: App;
  readonly stack: Stack;
  readonly conveyor: Conveyor;
  readonly orders: ConveyorTopic;
  readonly billing: ConveyorSubscription;
  readonly eu: ConveyorSubscription;
  readonly billingFn: LambdaFunction;
  readonly someRole: Role;
  /** Synthesizes on first use, so a test can add to the app before. */
  readonly template: () => Template;
}

/**
 * A function of the user's, as nag-clean as Conveyor's own: the latest Node.js
 * runtime and a role without AWS managed policies.
 */
export function userFunction(stack: Stack, id: string, timeout = Duration.seconds(20)): LambdaFunction {
  const role = new Role(stack, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  const fn = new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'), timeout, role });
  // CDK's dependency of a function on its role repeats the GetAtt of Role, which cfn-lint reports (as for Conveyor's own functions).
  (fn.node.defaultChild as CfnFunction).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
  return fn;
}

/** A stack `Shop` in a fresh app (functions not bundled), holding a Conveyor with `props`. */
export function shopStack(props: ConveyorProps = {}): { app: App; stack: Stack; conveyor: Conveyor } {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Shop');
  return { app, stack, conveyor: new Conveyor(stack, 'Conveyor', props) };
}

/**
 * The snippet of the issue, in a user's stack: topic `orders`, subscriptions
 * `billing` (consumed by `billingFn`) and `shipping-eu` (filtered, ordered), a
 * nightly schedule, and grants to `someRole`.
 */
export function synthesizeShop(props: ConveyorProps = {}): ShopApp {
  const { app, stack, conveyor } = shopStack(props);
  const billingFn = userFunction(stack, 'BillingFn');
  const orders = conveyor.addTopic('orders', { partitions: 4, retentionHours: 168 });
  const billing = orders.addSubscription('billing', { maxDeliveries: 5, ackDeadlineSeconds: 30 });
  const eu = orders.addSubscription('shipping-eu', { filter: { attributes: { region: ['eu'] } }, ordered: true });
  billing.addLambdaConsumer(billingFn, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), maxConcurrency: 5 });
  conveyor.addSchedule('nightly', { topic: orders, cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' } } });
  const someRole = new Role(stack, 'SomeRole', { assumedBy: new AccountRootPrincipal() });
  if (props.jwtIssuer === undefined) conveyor.grantPublish(someRole, orders);
  conveyor.grantConsume(someRole, billing);
  let template: Template | undefined;
  return { app, stack, conveyor, orders, billing, eu, billingFn, someRole, template: () => (template ??= Template.fromStack(stack)) };
}
