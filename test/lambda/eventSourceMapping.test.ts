import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { DeliveryEvents } from '../../src/cli/consume/deliveryEvents.js';
import { decodeQueueBody } from '../../src/adapters/aws/sqs/queueMessages.js';
import type { Json } from '../../src/domain/types.js';
import { consume, type ConsumedMessage } from '../../src/lambda/index.js';
import { startLocalAwsFixture, type LocalAwsFixture } from '../aws/localAwsFixture.js';
import { CapturingLogger } from './factories.js';
import { createIdempotencyTable, MappingDriver, RecordingHandler } from './mappingFixtures.js';

/** Past the queues' visibility timeout (ackDeadlineSeconds 5): failed messages are visible again. */
const PAST_VISIBILITY_MS = 6000;

interface Seen {
  readonly id: string;
  readonly attempt: number;
  readonly outcome: 'handled' | 'failed';
}

/** What the handler saw, message by message, in order. */
class Ledger {
  public readonly entries: Seen[] = [];
  public readonly messages: ConsumedMessage[] = [];

  public handled(message: ConsumedMessage): void {
    this.messages.push(message);
    this.entries.push({ id: message.id, attempt: message.deliveryAttempt, outcome: 'handled' });
  }

  public failed(message: ConsumedMessage): never {
    this.entries.push({ id: message.id, attempt: message.deliveryAttempt, outcome: 'failed' });
    throw new Error(`card declined for ${message.id} on attempt ${message.deliveryAttempt}`);
  }

  public handledIds(): string[] {
    return this.entries.filter((entry) => entry.outcome === 'handled').map((entry) => entry.id);
  }
}

describe('Function: consume, under the emulated SQS event source mapping', () => {
  let aws: LocalAwsFixture;
  let driver: MappingDriver;

  beforeAll(async () => {
    aws = await startLocalAwsFixture();
  }, 120_000);
  afterAll(async () => {
    await aws?.stop();
  });
  beforeEach(() => {
    driver = new MappingDriver(aws);
  });
  afterEach(() => {
    driver.forget();
  });

  describe('Decoding', () => {
    it.each([
      { case: 'unordered subscription (unpacked copy on a standard queue)', topic: 'decode-plain', ordered: false },
      { case: 'ordered subscription (relayed copy on a FIFO queue)', topic: 'decode-ordered', ordered: true },
    ])('hands the handler every field of a message the relay fanned out, on an $case', async ({ topic, ordered }) => {
      // Prepare
      await driver.subscription(topic, 'billing', { ordered });
      const ledger = new Ledger();
      await driver.attach(topic, 'billing', consume((message) => ledger.handled(message), { logger: new CapturingLogger() }));
      const body: Json = { total: 42, lines: [{ sku: 'a-1', qty: 2 }], gift: false, note: null };
      const [published] = await aws.broker.publisher.publish(topic, [{ id: 'order-1001', key: 'customer-7', attributes: { region: 'eu', tier: 'gold' }, body }]);
      if (published === undefined || !('offset' in published)) throw new Error('not published');
      const { messages: logged } = await aws.broker.log.read(topic, published.partition, { offset: published.offset }, 1);

      // Act
      await driver.settle();

      // Assess
      expect(ledger.messages).toEqual([
        {
          id: 'order-1001',
          topic,
          subscription: 'billing',
          partition: published.partition,
          offset: published.offset,
          key: 'customer-7',
          attributes: { region: 'eu', tier: 'gold' },
          body,
          publishedAt: logged[0]?.publishedAt,
          deliveryAttempt: 1,
        },
      ]);
    });

    it.each([
      { case: 'unordered', topic: 'shape-plain', ordered: false },
      { case: 'ordered', topic: 'shape-ordered', ordered: true },
    ])('delivers records of the shape conveyor consume builds, on an $case subscription', async ({ topic, ordered }) => {
      // Prepare
      await driver.subscription(topic, 'billing', { ordered });
      const recording = new RecordingHandler(async () => ({ batchItemFailures: [] }));
      const { queueArn } = await driver.attach(topic, 'billing', recording.handler);
      await aws.broker.publisher.publish(topic, [{ id: 'order-1', key: 'customer-1', body: { total: 1 } }]);
      const { topic: created } = await aws.broker.topics.create(topic, { partitions: 2, retentionHours: 24, dedupWindowSeconds: 3600 });

      // Act
      await driver.settle();

      // Assess
      const [delivered] = recording.records;
      if (delivered === undefined) throw new Error('nothing was delivered');
      const message = decodeQueueBody(delivered.body);
      if (message === null) throw new Error(`not a Conveyor message: ${delivered.body}`);
      const events = new DeliveryEvents({ topic: created, subscription: { ordered }, queueArn });
      const [local] = events.batch([{ ...message, ackId: 'ack', deliveryAttempt: 1, leaseSeconds: 30 }], Date.now()).event.Records;
      if (local === undefined) throw new Error('no record was built');
      expect(shapeOf(local)).toEqual(shapeOf(delivered));
      expect(JSON.parse(local.body)).toEqual(JSON.parse(delivered.body));
    });
  });

  describe('Partial failures', () => {
    it('deletes the messages that succeeded and redelivers only the failed ones, with deliveryAttempt 2', async () => {
      // Prepare
      await driver.subscription('partial', 'billing');
      const ledger = new Ledger();
      const failFirst = new Set(['order-2', 'order-5']);
      await driver.attach('partial', 'billing', consume((message) => (failFirst.has(message.id) && message.deliveryAttempt === 1 ? ledger.failed(message) : ledger.handled(message)), { logger: new CapturingLogger() }));
      await aws.broker.publisher.publish('partial', [1, 2, 3, 4, 5, 6].map((index) => ({ id: `order-${index}`, body: { index } })));
      await driver.settle();

      // Act
      await driver.advance(PAST_VISIBILITY_MS);

      // Assess
      expect(sorted(ledger.entries)).toEqual([
        { id: 'order-1', attempt: 1, outcome: 'handled' },
        { id: 'order-2', attempt: 1, outcome: 'failed' },
        { id: 'order-2', attempt: 2, outcome: 'handled' },
        { id: 'order-3', attempt: 1, outcome: 'handled' },
        { id: 'order-4', attempt: 1, outcome: 'handled' },
        { id: 'order-5', attempt: 1, outcome: 'failed' },
        { id: 'order-5', attempt: 2, outcome: 'handled' },
        { id: 'order-6', attempt: 1, outcome: 'handled' },
      ]);
      expect((await aws.broker.subscriptions.describe('partial', 'billing')).stats).toMatchObject({ backlog: 0, inFlight: 0, deadLetters: 0 });
    });

    it('fails the whole batch when the handler reports a message that is not in the batch, as Lambda does', async () => {
      // Prepare
      await driver.subscription('unknown-item', 'billing');
      const recording = new RecordingHandler(async () => ({ batchItemFailures: [{ itemIdentifier: 'not-a-message-of-this-batch' }] }));
      await driver.attach('unknown-item', 'billing', recording.handler);
      await aws.broker.publisher.publish('unknown-item', [{ id: 'order-1', body: 1 }, { id: 'order-2', body: 2 }]);
      await driver.settle();

      // Act
      await driver.advance(PAST_VISIBILITY_MS);

      // Assess
      expect(recording.records.map((record) => record.attributes.ApproximateReceiveCount).sort()).toEqual(['1', '1', '2', '2']);
    });

    it('dead-letters a message that failed maxDeliveries times, visible through the API, and never hands it over again', async () => {
      // Prepare
      await driver.subscription('poison', 'billing', { maxDeliveries: 2 });
      const ledger = new Ledger();
      await driver.attach('poison', 'billing', consume((message) => (message.body === 'poison' ? ledger.failed(message) : ledger.handled(message)), { logger: new CapturingLogger() }));
      await aws.broker.publisher.publish('poison', [{ id: 'order-poison', body: 'poison' }, { id: 'order-fine', body: 'fine' }]);
      await driver.settle();

      // Act
      for (let round = 0; round < 4; round += 1) await driver.advance(PAST_VISIBILITY_MS);

      // Assess
      expect(sorted(ledger.entries)).toEqual([
        { id: 'order-fine', attempt: 1, outcome: 'handled' },
        { id: 'order-poison', attempt: 1, outcome: 'failed' },
        { id: 'order-poison', attempt: 2, outcome: 'failed' },
      ]);
      const deadLetters = await aws.broker.delivery.deadLetters('poison', 'billing', 10);
      // SQS's redrive moved it (one receive past maxDeliveries), so no reason was recorded with it.
      expect(deadLetters).toEqual([expect.objectContaining({ id: 'order-poison', body: 'poison', deliveryAttempt: 3, lastError: null })]);
      expect((await aws.broker.subscriptions.describe('poison', 'billing')).stats).toMatchObject({ backlog: 0, inFlight: 0, deadLetters: 1 });
    });
  });

  describe('Ordered subscriptions', () => {
    it('holds back the later messages of a failed key until it succeeds, and not the other keys', async () => {
      // Prepare
      await driver.subscription('fifo', 'shipping', { ordered: true });
      const ledger = new Ledger();
      await driver.attach('fifo', 'shipping', consume((message) => (message.id === 'a1' && message.deliveryAttempt === 1 ? ledger.failed(message) : ledger.handled(message)), { logger: new CapturingLogger() }));
      await aws.broker.publisher.publish('fifo', [
        { id: 'a1', key: 'customer-a', body: 1 },
        { id: 'b1', key: 'customer-b', body: 1 },
        { id: 'a2', key: 'customer-a', body: 2 },
        { id: 'b2', key: 'customer-b', body: 2 },
        { id: 'a3', key: 'customer-a', body: 3 },
      ]);

      // Act
      await driver.settle();
      const beforeRetry = ledger.handledIds();
      await driver.advance(PAST_VISIBILITY_MS);

      // Assess
      expect(beforeRetry).toEqual(['b1', 'b2']);
      expect(ledger.handledIds()).toEqual(['b1', 'b2', 'a1', 'a2', 'a3']);
      expect(ledger.entries.filter((entry) => entry.id.startsWith('a'))).toEqual([
        { id: 'a1', attempt: 1, outcome: 'failed' },
        { id: 'a1', attempt: 2, outcome: 'handled' },
        { id: 'a2', attempt: 2, outcome: 'handled' },
        { id: 'a3', attempt: 2, outcome: 'handled' },
      ]);
    });
  });

  describe('Idempotency', () => {
    it('skips a redelivered id that already succeeded, and runs again one that failed, with a DynamoDB table on the emulator', async () => {
      // Prepare
      await createIdempotencyTable(aws.local.clients.dynamoTables, 'billing-idempotency');
      await driver.subscription('replayed', 'billing');
      const ledger = new Ledger();
      const persistenceStore = new DynamoDBPersistenceLayer({ tableName: 'billing-idempotency', awsSdkV3Client: aws.local.clients.dynamoTables });
      await driver.attach(
        'replayed',
        'billing',
        consume((message) => (message.id === 'order-2' && message.deliveryAttempt === 1 ? ledger.failed(message) : ledger.handled(message)), { logger: new CapturingLogger(), idempotency: { persistenceStore } }),
      );
      const before = aws.clock.now() - 1000;
      await aws.broker.publisher.publish('replayed', [1, 2, 3].map((index) => ({ id: `order-${index}`, body: { index } })));
      await driver.settle();
      await driver.advance(PAST_VISIBILITY_MS);

      // Act
      const requeued = await aws.broker.subscriptions.seek('replayed', 'billing', before);
      await driver.settle();

      // Assess
      expect(requeued).toBe(3);
      expect(ledger.entries.filter((entry) => entry.outcome === 'handled').map((entry) => entry.id).sort()).toEqual(['order-1', 'order-2', 'order-3']);
      expect(ledger.entries.filter((entry) => entry.id === 'order-2')).toEqual([
        { id: 'order-2', attempt: 1, outcome: 'failed' },
        { id: 'order-2', attempt: 2, outcome: 'handled' },
      ]);
      expect((await aws.broker.subscriptions.describe('replayed', 'billing')).stats).toMatchObject({ backlog: 0, inFlight: 0 });
      const { Items } = await aws.local.clients.dynamoTables.send(new ScanCommand({ TableName: 'billing-idempotency' }));
      expect(Items?.map((item) => item['status']?.S)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    });
  });
});

/** Entries by id, then attempt: the order in which SQS hands out one batch is its own. */
function sorted(entries: readonly Seen[]): Seen[] {
  return [...entries].sort((a, b) => a.id.localeCompare(b.id) || a.attempt - b.attempt);
}

/** The names a record, its attributes and its body carry: what a handler can rely on. */
function shapeOf(record: SQSRecord): Record<string, string[]> {
  return {
    record: Object.keys(record).sort(),
    attributes: Object.keys(record.attributes).sort(),
    body: Object.keys(JSON.parse(record.body) as object).sort(),
  };
}
