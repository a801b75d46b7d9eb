import { createAwsClients, type AwsClients } from '../../src/adapters/aws/clients.js';
import type { DelayedEnvelope } from '../../src/adapters/aws/collaborators.js';
import { DelayQueueConsumer, type ConsumerLogger, type DelayQueueRecord, type ReleaseTarget, type TopicLookup } from '../../src/adapters/aws/DelayQueueConsumer.js';
import type { Topic } from '../../src/domain/types.js';
import type { LogEntry } from '../../src/ports/MessageLog.js';
import { startEmulator, type Emulator } from '../helpers/emulator.js';
import { SharedClock, createDelayResources, receiveAll, type DelayResources } from './delayFixtures.js';

const MINUTE = 60_000;

const orders: Topic = { name: 'orders', createdAt: '2026-01-01T00:00:00.000Z', partitions: 4, retentionHours: 24, dedupWindowSeconds: 3600 };
const invoices: Topic = { ...orders, name: 'invoices' };

/** The log's side: remembers every release, and fails those of the topics told to. */
class FakeLog implements ReleaseTarget {
  public readonly released: Array<{ topic: string; entries: readonly LogEntry[] }> = [];
  public readonly failing = new Set<string>();

  public async release(topic: Topic, entries: readonly LogEntry[]): Promise<void> {
    if (this.failing.has(topic.name)) throw new Error(`log of ${topic.name} unavailable`);
    this.released.push({ topic: topic.name, entries });
  }
}

class FakeTopics implements TopicLookup {
  public constructor(private readonly topics: Map<string, Topic>) {}

  public async getTopic(name: string): Promise<Topic | null> {
    return this.topics.get(name) ?? null;
  }
}

class RecordingLogger implements ConsumerLogger {
  public readonly warnings: Array<{ details: Record<string, unknown>; message: string }> = [];

  public warn(details: Record<string, unknown>, message: string): void {
    this.warnings.push({ details, message });
  }
}

function envelope(id: string, dueAt: number, topic: Topic = orders): DelayedEnvelope {
  return { topic: topic.name, topicCreatedAt: topic.createdAt, id, partition: 2, key: `key-${id}`, body: { id }, attributes: { kind: 'test' }, dueAt };
}

function record(messageId: string, body: DelayedEnvelope | string): DelayQueueRecord {
  return { messageId, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** The log entry a released envelope becomes. */
function released(item: DelayedEnvelope): LogEntry {
  return { id: item.id, partition: item.partition, key: item.key, body: item.body, attributes: item.attributes, clientId: false, dueAt: item.dueAt };
}

describe('Class: DelayQueueConsumer', () => {
  let emulator: Emulator;
  let clients: AwsClients;
  let resources: DelayResources;
  let clock: SharedClock;
  let log: FakeLog;
  let logger: RecordingLogger;

  beforeAll(async () => {
    emulator = await startEmulator();
    clients = createAwsClients({ endpoint: emulator.endpoint });
  });
  beforeEach(async () => {
    await emulator.reset();
    resources = await createDelayResources(clients);
    clock = new SharedClock(emulator);
    await clock.start();
    log = new FakeLog();
    logger = new RecordingLogger();
  });
  afterAll(async () => {
    clients.destroy();
    await emulator.stop();
  });

  function consumer(topics: readonly Topic[] = [orders, invoices], delayQueueUrl = resources.delayQueueUrl): DelayQueueConsumer {
    return new DelayQueueConsumer(clients, { delayQueueUrl }, new FakeTopics(new Map(topics.map((topic) => [topic.name, topic]))), log, clock, logger, { baseDelayMs: 1 });
  }

  describe('Method: handle', () => {
    it('releases due messages to the log per topic, in due order, as entries with no client id and no due time', async () => {
      // Prepare
      const first = envelope('first', clock.now() - 2_000);
      const second = envelope('second', clock.now() - 1_000);
      const invoice = envelope('invoice', clock.now(), invoices);

      // Act
      const response = await consumer().handle([record('r1', second), record('r2', invoice), record('r3', first)]);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(log.released).toEqual(
        expect.arrayContaining([
          { topic: 'orders', entries: [released(first), released(second)] },
          { topic: 'invoices', entries: [released(invoice)] },
        ]),
      );
      expect(log.released).toHaveLength(2);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([]);
    });

    it('counts a message less than a second early as due', async () => {
      // Prepare
      const almost = envelope('almost', clock.now() + 999);

      // Act
      await consumer().handle([record('r1', almost)]);

      // Assess
      expect(log.released).toEqual([{ topic: 'orders', entries: [released(almost)] }]);
    });

    it('sends a message that is still early back to the delay queue for the rest of its wait', async () => {
      // Prepare: a long delay's schedule hands the envelope over 10 minutes early
      const early = envelope('early', clock.now() + 10 * MINUTE);

      // Act
      const response = await consumer().handle([record('r1', early)]);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(log.released).toEqual([]);
      await clock.advance(10 * MINUTE - 1_000);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([]);
      await clock.advance(1_000);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([early]);
    });

    it('sends a message due in more than 15 minutes back for 15 minutes, the longest SQS delay', async () => {
      // Prepare
      const far = envelope('far', clock.now() + 20 * MINUTE);

      // Act
      await consumer().handle([record('r1', far)]);

      // Assess
      await clock.advance(15 * MINUTE - 1_000);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([]);
      await clock.advance(1_000);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([far]);
    });

    it('drops, and logs, messages whose topic was created anew or deleted since they were published', async () => {
      // Prepare
      const recreated: Topic = { ...orders, createdAt: '2026-02-01T00:00:00.000Z' };
      const ofOldOrders = envelope('old-incarnation', clock.now());
      const ofNewOrders = envelope('new-incarnation', clock.now(), recreated);
      const ofDeleted = envelope('deleted', clock.now(), invoices);

      // Act
      const response = await consumer([recreated]).handle([record('r1', ofOldOrders), record('r2', ofNewOrders), record('r3', ofDeleted)]);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(log.released).toEqual([{ topic: 'orders', entries: [released(ofNewOrders)] }]);
      expect(logger.warnings).toEqual(
        expect.arrayContaining([
          { message: expect.stringMatching(/deleted or created anew/), details: expect.objectContaining({ topic: 'orders', dropped: [{ id: 'old-incarnation', topicCreatedAt: orders.createdAt }] }) },
          { message: expect.stringMatching(/deleted or created anew/), details: expect.objectContaining({ topic: 'invoices', topicCreatedAt: null }) },
        ]),
      );
    });

    it('reports as failed only the records of a topic whose release failed, so SQS retries just those', async () => {
      // Prepare
      log.failing.add('invoices');
      const order = envelope('order', clock.now());

      // Act
      const response = await consumer().handle([record('r1', order), record('r2', envelope('invoice-1', clock.now(), invoices)), record('r3', envelope('invoice-2', clock.now(), invoices))]);

      // Assess
      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'r2' }, { itemIdentifier: 'r3' }] });
      expect(log.released).toEqual([{ topic: 'orders', entries: [released(order)] }]);
    });

    it('reports an early message as failed when it cannot go back to the delay queue', async () => {
      // Prepare
      const due = envelope('due', clock.now());
      const early = envelope('early', clock.now() + MINUTE);

      // Act
      const response = await consumer(undefined, `${resources.delayQueueUrl}-missing`).handle([record('r1', due), record('r2', early)]);

      // Assess
      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'r2' }] });
      expect(log.released).toEqual([{ topic: 'orders', entries: [released(due)] }]);
    });

    it('releases a message delivered twice in one batch once', async () => {
      // Prepare
      const twice = envelope('twice', clock.now());

      // Act
      const response = await consumer().handle([record('r1', twice), record('r2', twice)]);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(log.released).toEqual([{ topic: 'orders', entries: [released(twice)] }]);
    });

    it.each([
      { case: 'a body that is not JSON', body: 'not json' },
      { case: 'JSON that is not an envelope', body: JSON.stringify({ hello: 'world' }) },
      { case: 'an envelope with a negative partition', body: JSON.stringify({ ...envelope('bad', 0), partition: -1 }) },
    ])('drops and logs $case without failing the batch', async ({ body }) => {
      // Prepare
      const good = envelope('good', clock.now());

      // Act
      const response = await consumer().handle([record('poison', body), record('r2', good)]);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(log.released).toEqual([{ topic: 'orders', entries: [released(good)] }]);
      expect(logger.warnings).toEqual([{ message: expect.stringMatching(/not a delayed envelope/), details: expect.objectContaining({ messageId: 'poison' }) }]);
    });
  });
});
