import { fileURLToPath } from 'node:url';
import { App, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { Conveyor } from 'conveyor/cdk';

/**
 * The order flow of "Message Queues and Pub/Sub" on Conveyor: one `orders` topic;
 * `billing`, a work queue consumed by a Lambda function with retries and dead
 * letters; `shipping-eu`, filtered to European orders and ordered per customer;
 * a dead-letter alarm on each (Conveyor creates one per subscription unless
 * `deadLetterAlarm: false`), emailed when `alarmEmail` is set.
 */
export class OrdersStack extends Stack {
  public constructor(scope: Construct, id: string, props: StackProps & { readonly alarmEmail?: string } = {}) {
    super(scope, id, props);
    const conveyor = new Conveyor(this, 'Conveyor', { resourcePrefix: 'shop', ...(props.alarmEmail === undefined ? {} : { alarmEmail: props.alarmEmail }) });

    const orders = conveyor.addTopic('orders', { partitions: 4, retentionHours: 168 });
    const billing = orders.addSubscription('billing', { maxDeliveries: 5, ackDeadlineSeconds: 60, retryBackoff: { minSeconds: 5, maxSeconds: 300 } });
    orders.addSubscription('shipping-eu', { filter: { attributes: { region: ['eu'] } }, ordered: true });

    // The consumer: billing.ts, unchanged from what `conveyor consume` runs locally.
    const billingFn = new NodejsFunction(this, 'BillingConsumer', {
      entry: fileURLToPath(new URL('./billing.js', import.meta.url)),
      runtime: Runtime.NODEJS_24_X,
      timeout: Duration.seconds(30),
      bundling: { format: OutputFormat.ESM, minify: true, sourceMap: true, externalModules: ['@aws-sdk/*'] },
    });
    billing.addLambdaConsumer(billingFn, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), maxConcurrency: 5, idempotency: true });

    // A nightly report into the same topic.
    conveyor.addSchedule('nightly-report', { topic: orders, cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' } } });

    new CfnOutput(this, 'ConveyorUrl', { value: conveyor.apiUrl, description: 'Base URL of the HTTP API (requests signed with SigV4)' });
  }
}

// `node dist/examples/orders/app.js [outdir]` (or `npx cdk synth` with this folder's cdk.json).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const app = new App(process.argv[2] === undefined ? {} : { outdir: process.argv[2] });
  new OrdersStack(app, 'OrdersStack', { alarmEmail: app.node.tryGetContext('alarmEmail') as string | undefined });
  app.synth();
}
