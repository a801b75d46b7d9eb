import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import { createAwsClients, type AwsClients, type ClientPlugin } from '../../src/adapters/aws/clients.js';
import type { DelayedSender, ScheduleTimers, SubscriptionProvisioner } from '../../src/adapters/aws/collaborators.js';
import { DynamoMessageLog } from '../../src/adapters/aws/DynamoMessageLog.js';
import { DynamoMetadataStore } from '../../src/adapters/aws/DynamoMetadataStore.js';
import { partitionKey } from '../../src/adapters/aws/names.js';
import type { FanOut } from '../../src/adapters/aws/packs/packFormat.js';
import type { AwsResources } from '../../src/adapters/aws/resources.js';
import { UnavailableError } from '../../src/domain/errors.js';
import type { Schedule, Subscription, Topic } from '../../src/domain/types.js';
import type { LogEntry, ReadPage } from '../../src/ports/MessageLog.js';
import { startEmulator, type Emulator } from '../helpers/emulator.js';
import { subscriptionOf } from '../helpers/subscription.js';
import { TestClock } from '../helpers/TestClock.js';

export const TABLES: Pick<AwsResources, 'logTable' | 'metaTable'> = { logTable: 'cvtest-log', metaTable: 'cvtest-meta' };

/** The log and meta tables as the stack defines them (on-demand), in an emulator that was just reset. */
export async function createTables(dynamo: DynamoDBClient): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLES.logTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'p', AttributeType: 'S' },
        { AttributeName: 'o', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'p', KeyType: 'HASH' },
        { AttributeName: 'o', KeyType: 'RANGE' },
      ],
    }),
  );
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLES.metaTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
}

export interface DynamoSuite {
  readonly emulator: Emulator;
  /** Clients whose DynamoDB requests go through `serialDynamo`. */
  readonly clients: AwsClients;
  /** More clients on the same emulator, as other processes (Lambdas) have; `plugins` go before the serializer. */
  newClients(...plugins: ClientPlugin[]): AwsClients;
}

/**
 * Registers the hooks of a DynamoDB suite: the emulator, and before each test
 * an empty emulator with fresh log and meta tables (moto slows down as tables
 * grow, and copies whole tables on every transaction).
 */
export function useDynamo(): () => DynamoSuite {
  let suite: DynamoSuite | undefined;
  let tables: DynamoDBClient | undefined;
  const extra: AwsClients[] = [];
  beforeAll(async () => {
    const emulator = await startEmulator();
    const newClients = (...plugins: ClientPlugin[]): AwsClients => {
      const clients = createAwsClients({ endpoint: emulator.endpoint, plugins: [...plugins, serialDynamo] });
      extra.push(clients);
      return clients;
    };
    tables = new DynamoDBClient({ endpoint: emulator.endpoint });
    suite = { emulator, clients: newClients(), newClients };
  });
  beforeEach(async () => {
    await suite?.emulator.reset();
    if (tables !== undefined) await createTables(tables);
  });
  afterAll(async () => {
    for (const clients of extra) clients.destroy();
    tables?.destroy();
    await suite?.emulator.stop();
  });
  return () => {
    if (suite === undefined) throw new Error('useDynamo: the emulator is not up yet');
    return suite;
  };
}

/**
 * Emulator gap: moto 5.2's server handles requests on parallel threads
 * without a lock, and TransactWriteItems snapshots each table it touches and
 * restores the snapshot when the transaction is cancelled. A transaction
 * cancelled while another commits thus erases the other's writes (measured on
 * a table of a few hundred items: 100 committed appends from 5 racing writers
 * left 93 to 97 items; the window grows with the table). DynamoDB
 * itself serializes conflicting transactions. This plugin sends one DynamoDB
 * request at a time to moto, per attempt; the adapters still race exactly as
 * in AWS, between their reads and their transactions.
 */
export class SerialDynamo implements ClientPlugin {
  private tail: Promise<void> = Promise.resolve();

  public apply(stack: MiddlewareStack<any, any>, service: string): void {
    if (service !== 'DynamoDB') return;
    stack.add(
      (next) => async (args) => {
        const previous = this.tail;
        let release: () => void = () => undefined;
        this.tail = new Promise<void>((resolve) => (release = resolve));
        await previous;
        try {
          return await next(args);
        } finally {
          release();
        }
      },
      { step: 'finalizeRequest', name: 'conveyorSerialDynamo', priority: 'low', override: true },
    );
  }
}

/** One for the whole test process: every client of a suite must queue behind the same lock. */
export const serialDynamo = new SerialDynamo();

export function topicFactory(overrides: Partial<Topic> & Pick<Topic, 'name'>): Topic {
  return { partitions: 1, retentionHours: 1, dedupWindowSeconds: 60, createdAt: '2026-01-01T00:00:00.000Z', ...overrides };
}

export function entryFactory(overrides: Partial<LogEntry> & Pick<LogEntry, 'id'>): LogEntry {
  return { partition: 0, key: null, body: overrides.id, attributes: {}, clientId: false, ...overrides };
}

export function subscriptionFactory(overrides: Partial<Subscription> & Pick<Subscription, 'topic' | 'name'>): Subscription {
  return subscriptionOf(overrides);
}

export function scheduleFactory(overrides: Partial<Schedule> & Pick<Schedule, 'name' | 'topic'>): Schedule {
  return {
    cron: '0 * * * *',
    timezone: 'UTC',
    message: { body: { tick: true } },
    createdAt: '2026-01-03T00:00:00.000Z',
    nextFireAt: '2026-01-03T01:00:00.000Z',
    lastFiredAt: null,
    ...overrides,
  };
}

/** Records what it was asked to send; `failNext` makes the next send fail as SQS would when unavailable. */
export class FakeDelayedSender implements DelayedSender {
  public readonly sent: Array<{ topic: string; entries: Array<LogEntry & { readonly dueAt: number }> }> = [];
  public failNext = false;

  public async send(topic: Topic, entries: ReadonlyArray<LogEntry & { readonly dueAt: number }>): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new UnavailableError('the delay queue is unavailable (fake)');
    }
    this.sent.push({ topic: topic.name, entries: [...entries] });
  }

  /** The ids whose schedules were deleted, in order. */
  public readonly unscheduled: string[] = [];

  public async unschedule(_topic: Topic, entry: LogEntry & { readonly dueAt: number }): Promise<void> {
    this.unscheduled.push(entry.id);
  }
}

/** Records provision/destroy/update calls in order; a hook can fail or act during `provision`. */
export class FakeProvisioner implements SubscriptionProvisioner {
  /** What the rules it would make match; the store records it on each subscription it creates. */
  public fanOut: FanOut = 'pack';
  public readonly calls: string[] = [];
  public onProvision: (subscription: Subscription) => Promise<void> = async () => undefined;
  /** The settings each `update` applied, in order. */
  public readonly applied: Subscription[] = [];
  public onUpdate: (subscription: Subscription) => Promise<void> = async () => undefined;

  public async provision(subscription: Subscription): Promise<void> {
    this.calls.push(`provision ${subscription.topic}/${subscription.name}@${subscription.createdAt}`);
    await this.onProvision(subscription);
  }

  public async destroy(subscription: Subscription): Promise<void> {
    this.calls.push(`destroy ${subscription.topic}/${subscription.name}@${subscription.createdAt}`);
  }

  public async update(subscription: Subscription): Promise<void> {
    this.calls.push(`update ${subscription.topic}/${subscription.name}@${subscription.createdAt}`);
    this.applied.push(subscription);
    await this.onUpdate(subscription);
  }
}

/** Records timer calls; `failNext` makes the next `put` fail. */
export class FakeTimers implements ScheduleTimers {
  public readonly calls: string[] = [];
  /** The schedules `put` received, in order. */
  public readonly stored: Schedule[] = [];
  public failNext = false;

  public async put(schedule: Schedule): Promise<void> {
    this.calls.push(`put ${schedule.name}`);
    if (this.failNext) {
      this.failNext = false;
      throw new UnavailableError('EventBridge Scheduler is unavailable (fake)');
    }
    this.stored.push(schedule);
  }

  public async delete(name: string): Promise<void> {
    this.calls.push(`delete ${name}`);
  }
}

export interface LogContext {
  /** Frozen: only `advance` moves it. */
  readonly clock: TestClock;
  readonly sender: FakeDelayedSender;
  readonly log: DynamoMessageLog;
  readonly metadata: DynamoMetadataStore;
  /** A topic stored in the meta table, created now on the test clock. */
  createTopic(overrides: Partial<Topic> & Pick<Topic, 'name'>): Promise<Topic>;
  /** Appends one entry per body to a partition, each with a generated (not remembered) id `gen-<body>`. */
  appendBodies(topic: Topic, bodies: readonly string[], partition?: number): Promise<unknown>;
  /** Every item of a log partition as stored, in key order: the head (offset -1), then the record batches. */
  logItems(topic: Topic, partition: number): Promise<Array<Record<string, unknown>>>;
  /** Deletes the record batches keyed at `offsets`, as DynamoDB TTL deletes expired items: late and in no particular order. */
  deleteBatches(topic: Topic, partition: number, offsets: readonly number[]): Promise<void>;
}

/**
 * Before each test: a log and a metadata store with fakes for their
 * collaborators, on a frozen clock. The object answers for the running test.
 */
export function useLog(dynamo: () => DynamoSuite): LogContext {
  let current: LogContext | undefined;
  beforeEach(() => {
    const clock = new TestClock();
    clock.freeze();
    const sender = new FakeDelayedSender();
    const log = new DynamoMessageLog(dynamo().clients, TABLES, clock, sender);
    const metadata = new DynamoMetadataStore(dynamo().clients, TABLES, { provisioner: new FakeProvisioner(), backfill: async () => undefined, timers: new FakeTimers() });
    current = {
      clock,
      sender,
      log,
      metadata,
      createTopic: async (overrides) => {
        const topic = topicFactory({ createdAt: new Date(clock.now()).toISOString(), ...overrides });
        await metadata.createTopic(topic);
        return topic;
      },
      appendBodies: (topic, bodies, partition = 0) => log.append(topic, bodies.map((body) => entryFactory({ id: `gen-${body}`, body, partition }))),
      logItems: async (topic, partition) => {
        const query = new QueryCommand({ TableName: TABLES.logTable, KeyConditionExpression: 'p = :p', ExpressionAttributeValues: { ':p': partitionKey(topic, partition) }, ConsistentRead: true });
        return (await dynamo().clients.dynamo.send(query)).Items ?? [];
      },
      deleteBatches: async (topic, partition, offsets) => {
        for (const o of offsets) await dynamo().clients.dynamo.send(new DeleteCommand({ TableName: TABLES.logTable, Key: { p: partitionKey(topic, partition), o } }));
      },
    };
  });
  const now = (): LogContext => {
    if (current === undefined) throw new Error('useLog: no test is running');
    return current;
  };
  return {
    get clock() {
      return now().clock;
    },
    get sender() {
      return now().sender;
    },
    get log() {
      return now().log;
    },
    get metadata() {
      return now().metadata;
    },
    createTopic: (overrides) => now().createTopic(overrides),
    appendBodies: (topic, bodies, partition) => now().appendBodies(topic, bodies, partition),
    logItems: (topic, partition) => now().logItems(topic, partition),
    deleteBatches: (topic, partition, offsets) => now().deleteBatches(topic, partition, offsets),
  };
}

/** [offset, body] of each message of a page. */
export const offsetsAndBodies = (page: ReadPage): Array<[number, unknown]> => page.messages.map((message) => [message.offset, message.body]);
