import { marshall } from '@aws-sdk/util-dynamodb';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import pino, { type Logger } from 'pino';
import type { DynamoDBRecord } from 'aws-lambda';
import { createAwsClients, type AwsClients, type ClientPlugin } from '../../src/adapters/aws/clients.js';
import type { LogHeads } from '../../src/adapters/aws/dynamo/LogHeads.js';
import { batchEnd, HEAD_OFFSET, toBatchedMessage, toBatchItem, toStoredBatch, type BatchItem } from '../../src/adapters/aws/logItems.js';
import { partitionKey } from '../../src/adapters/aws/names.js';
import type { AwsResources } from '../../src/adapters/aws/resources.js';
import { AckIdSigner } from '../../src/adapters/aws/sqs/AckIdSigner.js';
import type { LogMessageSource } from '../../src/adapters/aws/sqs/deadLetterMoves.js';
import { QueueDirectory } from '../../src/adapters/aws/sqs/QueueDirectory.js';
import { SqsDeadLetterQueues } from '../../src/adapters/aws/SqsDeadLetterQueues.js';
import { SqsSubscriptionQueues } from '../../src/adapters/aws/SqsSubscriptionQueues.js';
import { PackUnpacker } from '../../src/adapters/aws/packs/PackUnpacker.js';
import type { RoutedSubscription } from '../../src/adapters/aws/packs/packFormat.js';
import { StreamRelay, type RouteCatalog } from '../../src/adapters/aws/StreamRelay.js';
import { SubscriptionResources } from '../../src/adapters/aws/SubscriptionResources.js';
import type { Delivery, Message, Subscription, Topic } from '../../src/domain/types.js';
import { asLambdaJson } from '../../src/emulation/lambdaJson.js';
import { QueuePoller } from '../../src/emulation/QueuePoller.js';
import type { Clock } from '../../src/ports/Clock.js';
import type { MetadataStore } from '../../src/ports/MetadataStore.js';
import type { Telemetry } from '../../src/ports/Telemetry.js';
import { startEmulator, type Emulator } from '../helpers/emulator.js';

export const SECOND = 1000;

/** The resources the adapters under test use, as the stack would create them. */
export const RESOURCES: Pick<AwsResources, 'eventBus' | 'resourcePrefix' | 'deliveryFailureQueueArn' | 'alarmTopicArn' | 'packInboxArn'> = {
  eventBus: 'cvtest-bus',
  packInboxArn: 'arn:aws:sqs:us-east-1:123456789012:cvtest-pack-inbox',
  resourcePrefix: 'cvtest',
  deliveryFailureQueueArn: 'arn:aws:sqs:us-east-1:123456789012:cvtest-delivery-failures',
  alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:cvtest-alarms',
};

/** The key the stack would keep in Secrets Manager; every adapter of a test signs its ack ids with it. */
export const ackIdSigner = new AckIdSigner(Buffer.from('test key that signs ack ids, 32+ bytes', 'utf8'));

/** Real time plus an offset the test moves, shared with the emulator (SQS visibility timeouts run on it). */
export class EmulatorClock implements Clock {
  private offsetMs = 0;

  public constructor(private readonly emulator: Emulator) {}

  public now(): number {
    return Date.now() + this.offsetMs;
  }

  public async advance(ms: number): Promise<void> {
    this.offsetMs += ms;
    await this.emulator.setClock({ offsetMs: this.offsetMs, frozenAtMs: null });
  }
}

/**
 * The topics and subscriptions the relay reads, kept in memory; `failing` makes
 * every read fail. Subscriptions are reached by packs, those in `perMessage` by
 * one event per message (created before packs).
 */
export class InMemoryCatalog implements RouteCatalog, Pick<MetadataStore, 'listSubscriptions'> {
  public readonly topics = new Map<string, Topic>();
  public readonly subscriptions: Subscription[] = [];
  public readonly perMessage = new Set<Subscription>();
  public failing = false;

  public async getTopic(name: string): Promise<Topic | null> {
    if (this.failing) throw new Error('metadata unavailable (test)');
    return this.topics.get(name) ?? null;
  }

  public async listSubscriptions(topic: string): Promise<Subscription[]> {
    if (this.failing) throw new Error('metadata unavailable (test)');
    return this.subscriptions.filter((subscription) => subscription.topic === topic);
  }

  public async listRoutedSubscriptions(topic: string): Promise<RoutedSubscription[]> {
    return (await this.listSubscriptions(topic)).map((subscription) => ({ subscription, fanOut: this.perMessage.has(subscription) ? 'event' : 'pack' }));
  }
}

/** The log, as far as a nack that dead-letters a message reads it. */
export class InMemoryLog {
  private readonly messages = new Map<string, Message>();

  public add(messages: readonly Message[]): void {
    for (const message of messages) this.messages.set(`${message.topic}#${message.partition}#${message.offset}`, message);
  }

  public readonly source: LogMessageSource = async (subscription, position) =>
    this.messages.get(`${subscription.topic}#${position.partition}#${position.offset}`) ?? null;
}

/** Counts what the adapters report. */
export class CountingTelemetry implements Telemetry {
  public deadLetters = 0;
  public published(): void {}
  public delivered(): void {}
  public acked(): void {}
  public nacked(): void {}
  public deadLettered(_topic: string, _subscription: string, count: number): void {
    this.deadLetters += count;
  }
  public topicDeleted(): void {}
  public subscriptionDeleted(): void {}
}

/** Every adapter of this side of the backend, on one set of clients. */
export interface SqsAdapters {
  readonly clients: AwsClients;
  readonly directory: QueueDirectory;
  readonly resources: SubscriptionResources;
  readonly queues: SqsSubscriptionQueues;
  readonly deadLetters: SqsDeadLetterQueues;
  readonly relay: StreamRelay;
  /** The partition heads the relay moved. */
  readonly heads: RecordedHeads;
  /** Plays the unpacker's event source mapping: hands every pack in the inbox to the unpacker until it is empty; answers how many it handed over. */
  unpackAll(): Promise<number>;
}

/** LogHeads for relay suites without a log table: records the end each partition was moved to, and fails the partitions it is told to. */
export class RecordedHeads implements Pick<LogHeads, 'advance'> {
  public readonly ends = new Map<string, number>();
  public readonly failing = new Set<string>();

  public async advance(batches: readonly BatchItem[]): Promise<Set<string>> {
    const failed = new Set<string>();
    for (const batch of batches) {
      if (this.failing.has(batch.p)) failed.add(batch.p);
      else this.ends.set(batch.p, Math.max(this.ends.get(batch.p) ?? 0, batchEnd(batch)));
    }
    return failed;
  }
}

/** Builds the adapters on fresh clients with the given plugins (request counters, fault injectors). */
export function buildAdapters(
  emulator: Emulator,
  parts: { catalog: InMemoryCatalog; log: InMemoryLog; clock: Clock; telemetry?: Telemetry; logger?: Logger },
  plugins: readonly ClientPlugin[] = [],
): SqsAdapters {
  const clients = createAwsClients({ endpoint: emulator.endpoint, plugins });
  // Few, fast retries: a test of exhausted retries should not wait for backoff.
  const retry = { attempts: 3, baseDelayMs: 1 };
  const directory = new QueueDirectory(clients.sqs, RESOURCES.resourcePrefix, retry);
  const heads = new RecordedHeads();
  return {
    unpackAll: async () => {
      const url = await directory.url(PACK_INBOX);
      if (url === null) throw new Error('no pack inbox: createFanOut makes it');
      const unpacker = new PackUnpacker(clients.sqs, directory, url, parts.clock, pino({ level: 'silent' }), retry);
      const poller = new QueuePoller(clients.sqs, url, RESOURCES.packInboxArn, (records) => unpacker.handle(records), pino({ level: 'silent' }));
      let handed = 0;
      for (let batch = await poller.pollOnce(0); batch > 0; batch = await poller.pollOnce(0)) handed += batch;
      return handed;
    },
    heads,
    clients,
    directory,
    resources: new SubscriptionResources(clients, RESOURCES, directory),
    queues: new SqsSubscriptionQueues(directory, parts.log.source, async () => ackIdSigner, parts.clock, parts.telemetry),
    deadLetters: new SqsDeadLetterQueues(directory),
    relay: new StreamRelay(clients, RESOURCES, parts.catalog, directory, heads, parts.clock, parts.logger ?? pino({ level: 'silent' }), { retry }),
  };
}

/** What each test of an SQS suite starts from: a reset emulator, a topic the catalog knows, an empty log, adapters on new clients. */
export interface SqsWorld {
  readonly emulator: Emulator;
  readonly clock: EmulatorClock;
  readonly catalog: InMemoryCatalog;
  readonly log: InMemoryLog;
  readonly telemetry: CountingTelemetry;
  readonly adapters: SqsAdapters;
}

/**
 * Registers the hooks that give every test of the calling suite a fresh
 * SqsWorld on this worker's emulator, and returns its getter.
 *
 * @example
 * const world = useSqsWorld(topicNamed('orders'));
 * it('leases', async () => { await world().adapters.queues.receive(...); });
 */
export function useSqsWorld(topic: Topic): () => SqsWorld {
  let emulator: Emulator | undefined;
  let current: SqsWorld | undefined;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(async () => {
    if (emulator === undefined) throw new Error('the emulator did not start');
    await emulator.reset();
    const clock = new EmulatorClock(emulator);
    await clock.advance(0);
    const catalog = new InMemoryCatalog();
    catalog.topics.set(topic.name, topic);
    const log = new InMemoryLog();
    const telemetry = new CountingTelemetry();
    const adapters = buildAdapters(emulator, { catalog, log, clock, telemetry });
    await createFanOut(adapters.clients);
    current = { emulator, clock, catalog, log, telemetry, adapters };
  });
  afterEach(() => {
    current?.adapters.clients.destroy();
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  return () => {
    if (current === undefined) throw new Error('no SQS world outside a test');
    return current;
  };
}

/**
 * Provisions an unordered subscription as versions before packs made it (and
 * the stack's `fanOut: event` still does): its rule matches one event per
 * message and delivers it straight to its queue. The catalog reports it as
 * reached per message, as the metadata store reports such an item.
 */
export async function provisionPerMessage(adapters: SqsAdapters, catalog: InMemoryCatalog, subscription: Subscription): Promise<void> {
  await new SubscriptionResources(adapters.clients, RESOURCES, adapters.directory, 'event').provision(subscription);
  catalog.subscriptions.push(subscription);
  catalog.perMessage.add(subscription);
}

/** The pack inbox's name (RESOURCES.packInboxArn). */
const PACK_INBOX = 'cvtest-pack-inbox';

/** The event bus and the pack inbox the stack would create, in an emulator that was just reset. */
export async function createFanOut(clients: AwsClients): Promise<void> {
  await clients.events.send(new CreateEventBusCommand({ Name: RESOURCES.eventBus }));
  await clients.sqs.send(new CreateQueueCommand({ QueueName: PACK_INBOX, Attributes: { MaximumMessageSize: '1048576' } }));
}

export function topicNamed(name: string, overrides: Partial<Topic> = {}): Topic {
  return { name, createdAt: '2026-01-01T00:00:00.000Z', partitions: 4, retentionHours: 24, dedupWindowSeconds: 3600, ...overrides };
}

export function subscriptionOf(topic: Topic, name: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    topic: topic.name,
    name,
    filter: null,
    ackDeadlineSeconds: 30,
    maxDeliveries: 5,
    retryBackoff: { minSeconds: 0, maxSeconds: 0 },
    ordered: false,
    startFrom: 'latest',
    deadLetterAlarm: true,
    createdAt: '2026-01-02T00:00:00.000Z',
    ...overrides,
  };
}

/** Messages of `topic` labelled by their body `{ label }`, at consecutive offsets of one partition. */
export function messagesOf(topic: Topic, labels: readonly string[], fields: Partial<Message> = {}, firstOffset = 0): Message[] {
  return labels.map((label, index) => ({
    id: `${topic.name}-${label}`,
    topic: topic.name,
    partition: 0,
    offset: firstOffset + index,
    key: null,
    body: { label },
    attributes: {},
    publishedAt: new Date(Date.UTC(2026, 0, 3, 0, 0, index)).toISOString(),
    ...fields,
  }));
}

/** DynamoDB stream records of `messages`, each a record batch of its own, as the log table's stream would show them. */
export function streamRecords(topic: Topic, messages: readonly Message[], options: { firstSequence?: number; incarnation?: string } = {}): DynamoDBRecord[] {
  return messages.map((message, index) => batchRecord(topic, [message], (options.firstSequence ?? 100) + index, options.incarnation));
}

/** The DynamoDB stream record of one record batch holding `messages` (consecutive offsets of one partition, published together). */
export function batchRecord(topic: Topic, messages: readonly Message[], sequence: number, incarnation: string = topic.createdAt): DynamoDBRecord {
  const [first] = messages;
  if (first === undefined) throw new Error('a record batch holds at least one message');
  const item = toBatchItem({
    partitionKey: partitionKey({ name: topic.name, createdAt: incarnation }, first.partition),
    topic: topic.name,
    topicCreatedAt: incarnation,
    partition: first.partition,
    offset: first.offset,
    messages: messages.map((message) => toBatchedMessage({ ...message, clientId: false }).message),
    publishedAt: Date.parse(first.publishedAt),
    retentionHours: topic.retentionHours,
  });
  // As Lambda's JSON event carries it: a compressed batch's bytes as base64 text.
  return record('INSERT', asLambdaJson(marshall(toStoredBatch(item))) as Record<string, unknown>, String(sequence));
}

/** A stream record of the partition's head (offset -1), which the relay must pass over. */
export function headCounterRecord(topic: Topic, sequence: number): DynamoDBRecord {
  return record('INSERT', marshall({ p: partitionKey(topic, 0), o: HEAD_OFFSET, next: 5 }), String(sequence));
}

function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', image: Record<string, unknown>, sequenceNumber: string): DynamoDBRecord {
  return { eventName, dynamodb: { NewImage: image as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'], SequenceNumber: sequenceNumber } };
}

export function labelsOf(messages: ReadonlyArray<Pick<Message, 'body'>>): string[] {
  return messages.map((message) => (message.body as { label: string }).label);
}

/** Receives until the queue answers nothing, acking everything; the labels in the order received. */
export async function drain(queues: SqsSubscriptionQueues, subscription: Subscription): Promise<string[]> {
  const labels: string[] = [];
  for (;;) {
    const batch: Delivery[] = await queues.receive(subscription, { max: 10, waitMs: 0 });
    if (batch.length === 0) return labels;
    labels.push(...labelsOf(batch));
    await queues.ack(subscription, batch.map((delivery) => delivery.ackId));
  }
}
