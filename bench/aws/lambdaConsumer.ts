import type { SQSEvent } from 'aws-lambda';
import { consume } from '../../src/lambda/consume.js';
import type { SqsLambdaHandler } from '../../src/emulation/lambdaContext.js';
import type { CostDeployment } from './deployment.js';
import { createTopic, publishAll, take, type Measurement } from './scenarios.js';

/** Batch sizes of the measured event source mappings: one message per invocation, and SQS's most per receive (the mapping's default). */
export const CONSUMER_BATCHES = [1, 10] as const;

/** One subscription drained by a Lambda function through an SQS event source mapping. */
export interface LambdaConsumerMeasurement {
  readonly batchSize: number;
  /**
   * Per message: the mapping's ReceiveMessage and DeleteMessageBatch requests
   * (billed as SQS requests), the consumer function's invocations and its
   * GB-seconds with a handler that does nothing, so only what `consume()`
   * itself costs (decoding the envelope, the partial-batch response).
   */
  readonly consume: Measurement;
}

/**
 * Consuming through `addLambdaConsumer`'s path: a topic with one subscription
 * per batch size, a backlog published and fanned out first (not metered), then
 * for each subscription the runner's emulated SQS event source mapping feeds
 * its queue, in batches of that size, to `consume()` from conveyor/lambda
 * wrapped around a handler that does nothing. The mapping's requests are the
 * runner's (billed as SQS requests, its empty polls left out as idle polling);
 * the invocations are the `consumer` function's.
 */
export async function measureLambdaConsumers(deployment: CostDeployment, messages: number, progress: (line: string) => void): Promise<LambdaConsumerMeasurement[]> {
  const topic = 'lambda-consumers';
  await createTopic(deployment, topic, CONSUMER_BATCHES.length);
  await publishAll(deployment, topic, messages, 100);
  await deployment.runner.settle(true);
  deployment.meter.take(); // the backlog's publish and fan-out are measured elsewhere
  const results: LambdaConsumerMeasurement[] = [];
  for (const [index, batchSize] of CONSUMER_BATCHES.entries()) {
    const subscription = `s${index}`;
    const described = await deployment.call('GET', `/v1/topics/${topic}/subscriptions/${subscription}`);
    const queues = described.body.aws as { queueUrl: string; queueArn: string } | undefined;
    if (queues === undefined) throw new Error(`the subscription ${topic}/${subscription} names no SQS queue`);
    deployment.meter.take();
    let handled = 0;
    const handler = consume(
      async () => {
        handled += 1;
      },
      { subscription: `${topic}/${subscription}` },
    );
    const metered: SqsLambdaHandler = (event: SQSEvent, context) => deployment.meter.invoke('consumer', () => handler(event, context));
    const detach = deployment.runner.attachConsumer({ queueUrl: queues.queueUrl, queueArn: queues.queueArn, handler: metered, batchSize, functionName: 'cost-model-consumer' });
    try {
      await deployment.runner.settle(true);
    } finally {
      detach();
    }
    if (handled !== messages) throw new Error(`the consumer of ${topic}/${subscription} handled ${handled} messages, expected ${messages}`);
    results.push({ batchSize, consume: take(deployment, handled, 0) });
    progress(`  lambda consumer batch=${String(batchSize).padStart(3)}: ${handled} messages`);
  }
  await deployment.call('DELETE', `/v1/topics/${topic}`);
  deployment.meter.take();
  return results;
}
