import { RequestCounter } from '../../src/adapters/aws/RequestCounter.js';
import { drainAll, kibibyteBody, startLocalAwsFixture, subscriptionSettings, type LocalAwsFixture } from './localAwsFixture.js';

/**
 * Requests the local runner makes in Lambda's place (event source polling,
 * firing schedules). AWS does not bill stream polling, and the pollers are not
 * broker operations, so they are left out of the broker's request counts.
 */
const RUNNER_OPERATIONS = /^(DynamoDBStreams\.|DynamoDB\.DescribeTable$|Scheduler\.(ListSchedules|GetSchedule)$|SQS\.GetQueueUrl$)/;

function brokerRequests(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([operation]) => !RUNNER_OPERATIONS.test(operation)));
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((total, count) => total + count, 0);

describe('AWS requests per broker operation (batching must not regress)', () => {
  const counter = new RequestCounter();
  let aws: LocalAwsFixture;

  beforeAll(async () => {
    aws = await startLocalAwsFixture({ plugins: [counter] });
    await aws.broker.topics.create('orders', { partitions: 4, retentionHours: 24, dedupWindowSeconds: 3600 });
    for (const name of ['billing', 'shipping', 'audit']) await aws.broker.subscriptions.create('orders', name, subscriptionSettings());
    await aws.local.runner.settle();
  });
  afterAll(() => aws.stop());

  it('publishes a batch of 100 messages with client ids to 4 partitions with one end read and one transaction per partition, and fans it out to 3 subscriptions in one pack per relay invocation, unpacked 10 messages per request', async () => {
    // Prepare
    const messages = Array.from({ length: 100 }, (_unused, index) => ({ id: `order-${index}`, key: `customer-${index % 20}`, body: kibibyteBody(index) }));
    counter.reset();

    // Act
    await aws.broker.publisher.publish('orders', messages);
    await aws.local.runner.settle();

    // Assess
    // Nothing pulls or acks here: every ReceiveMessage and DeleteMessageBatch is a poller's (delay queue, pack inbox), which is Lambda's event source mapping.
    const { 'SQS.ReceiveMessage': _poller, 'SQS.DeleteMessageBatch': _pollerDeletes, ...counts } = brokerRequests(counter.snapshot());
    expect(counts['DynamoDB.TransactWriteItems']).toBe(4);
    // The topic once for the publish, then per relay invocation the topic and its subscriptions; one end read (head item and last batch) per partition.
    expect(counts['DynamoDB.GetItem']).toBeLessThanOrEqual(1 + 4 + 2);
    expect(counts['DynamoDB.Query']).toBeLessThanOrEqual(4 + 2);
    // The 100 messages are bound for the same three subscriptions and fit one pack; a stream batch boundary may split them in two.
    expect(counts['EventBridge.PutEvents']).toBeGreaterThanOrEqual(1);
    expect(counts['EventBridge.PutEvents']).toBeLessThanOrEqual(2);
    // The unpacker queues each subscription's copies 10 per request (one more per subscription when the pack was split).
    expect(counts['SQS.SendMessageBatch']).toBeGreaterThanOrEqual(30);
    expect(counts['SQS.SendMessageBatch']).toBeLessThanOrEqual(33);
    // The relay moves each partition's head once per invocation that carried its batches.
    expect(counts['DynamoDB.UpdateItem']).toBeGreaterThanOrEqual(4);
    expect(counts['DynamoDB.UpdateItem']).toBeLessThanOrEqual(8);
    expect(sum(counts) / messages.length).toBeLessThanOrEqual(0.6);
  });

  it('publishes 100 messages without client ids to 4 partitions as one record batch put per partition, and the relay moves each head once', async () => {
    // Prepare: the publisher knows each partition's end from the publish before
    const messages = Array.from({ length: 100 }, (_unused, index) => ({ key: `customer-${index % 20}`, body: kibibyteBody(index) }));
    counter.reset();

    // Act
    await aws.broker.publisher.publish('orders', messages);
    await aws.local.runner.settle();

    // Assess
    const { 'SQS.ReceiveMessage': _poller, 'SQS.DeleteMessageBatch': _pollerDeletes, ...counts } = brokerRequests(counter.snapshot());
    expect(counts['DynamoDB.PutItem']).toBe(4);
    expect(counts['DynamoDB.UpdateItem']).toBeGreaterThanOrEqual(4);
    expect(counts['DynamoDB.UpdateItem']).toBeLessThanOrEqual(8);
    expect(counts['DynamoDB.TransactWriteItems'] ?? 0).toBe(0);
    // The topic once for the publish and once per partition (that it still exists), then per relay invocation the topic and its subscriptions.
    expect(counts['DynamoDB.GetItem']).toBeLessThanOrEqual(1 + 4 + 2);
    // Fan-out: the packs, and the unpacker's sends of 10 copies each into the 3 queues.
    expect(counts['EventBridge.PutEvents']).toBeLessThanOrEqual(2);
    expect(counts['SQS.SendMessageBatch']).toBeLessThanOrEqual(33);
    expect(sum(counts) / messages.length).toBeLessThanOrEqual(0.55);
  });

  it('delivers and acks 100 messages of a subscription in batches of 10 (SQS batch limits)', async () => {
    // Prepare
    await aws.broker.publisher.publish('orders', Array.from({ length: 100 }, (_unused, index) => ({ body: kibibyteBody(index) })));
    await aws.local.runner.settle();
    counter.reset();

    // Act
    const received = await drainAll(aws.broker, 'orders', 'billing');

    // Assess
    expect(received.length).toBeGreaterThanOrEqual(100);
    const counts = brokerRequests(counter.snapshot());
    expect(counts['SQS.DeleteMessageBatch']).toBeLessThanOrEqual(Math.ceil(received.length / 10) + 1);
    expect(counts['SQS.ReceiveMessage']).toBeLessThanOrEqual(Math.ceil(received.length / 10) + 2);
    expect(sum(counts) / received.length).toBeLessThanOrEqual(0.3);
  });
});
