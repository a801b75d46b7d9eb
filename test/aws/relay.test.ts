import pino from 'pino';
import type { DynamoDBRecord } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import { RequestCounter } from '../../src/adapters/aws/RequestCounter.js';
import { MISSING_QUEUE_GRACE_MS } from '../../src/adapters/aws/sqs/QueueDirectory.js';
import type { ClientPlugin } from '../../src/adapters/aws/clients.js';
import { partitionKey } from '../../src/adapters/aws/names.js';
import type { Json, Message, Subscription } from '../../src/domain/types.js';
import { FaultInjector, type FaultRule } from '../helpers/FaultInjector.js';
import { startEmulator, type Emulator } from '../helpers/emulator.js';
import {
  batchRecord,
  buildAdapters,
  createFanOut,
  EmulatorClock,
  headCounterRecord,
  InMemoryCatalog,
  InMemoryLog,
  labelsOf,
  provisionPerMessage,
  messagesOf,
  streamRecords,
  subscriptionOf,
  topicNamed,
  type SqsAdapters,
} from './sqsFixtures.js';

const orders = topicNamed('orders');

/** An order event's fields: five of them in a batch make a batch that is stored deflated. */
const ORDER: Record<string, Json> = { customer: 'customer-42', items: [{ sku: 'SKU-1', quantity: 2 }], note: 'leave the parcel at the door, ring twice' };

/** One message recognisable by `label`, with routing fields to filter on. */
const msg = (label: string, fields: Partial<Message> = {}, body: Record<string, Json> = {}): Partial<Message> & { label: string } => ({ label, ...fields, body: { label, ...body } });

/** RabbitMQ's exchange styles as filters: which messages each lets through. */
const FILTER_CASES: ReadonlyArray<{ case: string; filter: Json; matching: Array<ReturnType<typeof msg>>; other: Array<ReturnType<typeof msg>> }> = [
  { case: 'direct: exact key', filter: { key: ['x'] }, matching: [msg('x', { key: 'x' })], other: [msg('y', { key: 'y' }), msg('none')] },
  {
    case: 'topic: key wildcard',
    filter: { key: [{ wildcard: 'orders.*.created' }] },
    matching: [msg('eu', { key: 'orders.eu.created' })],
    other: [msg('shipped', { key: 'orders.eu.shipped' })],
  },
  { case: 'headers: attribute value', filter: { attributes: { region: ['eu'] } }, matching: [msg('eu', { attributes: { region: 'eu', tier: 'gold' } })], other: [msg('us', { attributes: { region: 'us' } })] },
  { case: 'body: numeric range', filter: { body: { total: [{ numeric: ['>=', 100, '<', 500] }] } }, matching: [msg('100', {}, { total: 100 })], other: [msg('500', {}, { total: 500 }), msg('no-total')] },
  {
    case: '$or: vip key or a large total',
    filter: { $or: [{ key: ['vip'] }, { body: { total: [{ numeric: ['>', 1000] }] } }] },
    matching: [msg('vip', { key: 'vip' }, { total: 1 }), msg('big', { key: 'regular' }, { total: 5000 })],
    other: [msg('small', { key: 'regular' }, { total: 10 })],
  },
];

describe('Class: StreamRelay', () => {
  let emulator: Emulator;
  let catalog: InMemoryCatalog;
  let log: InMemoryLog;
  let counter: RequestCounter;
  let adapters: SqsAdapters;
  let nextOffset = 0;
  /** What the relay logged, as JSON lines. */
  let logged: Array<{ level: number; msg: string; [field: string]: unknown }>;
  const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line) as (typeof logged)[number]) });
  const warnings = (): string[] => logged.filter(({ level }) => level >= 40).map(({ msg }) => msg);

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  beforeEach(async () => {
    await emulator.reset();
    catalog = new InMemoryCatalog();
    catalog.topics.set(orders.name, orders);
    log = new InMemoryLog();
    counter = new RequestCounter();
    logged = [];
    adapters = withPlugins([]);
    await createFanOut(adapters.clients);
  });
  afterEach(() => {
    adapters.clients.destroy();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  /** The adapters on clients with these plugins and the request counter. */
  const withPlugins = (plugins: readonly ClientPlugin[]): SqsAdapters => buildAdapters(emulator, { catalog, log, clock: new EmulatorClock(emulator), logger }, [...plugins, counter]);
  const subscribe = async (name: string, settings: Partial<Subscription> = {}): Promise<Subscription> => {
    const subscription = subscriptionOf(orders, name, settings);
    await adapters.resources.provision(subscription);
    catalog.subscriptions.push(subscription);
    return subscription;
  };
  /** Log messages of `orders` at the next offsets of partition 0. */
  const appended = (specs: ReadonlyArray<Partial<Message> & { label: string }>): Message[] => {
    const messages = specs.map(({ label, ...fields }, index) => ({ ...(messagesOf(orders, [label], {}, nextOffset + index)[0] as Message), ...fields }));
    nextOffset += specs.length;
    log.add(messages);
    return messages;
  };
  /** Every label the subscription can receive now (the packs in the inbox unpacked first), acked. */
  const receivedBy = async (subscription: Subscription): Promise<string[]> => {
    await adapters.unpackAll();
    const labels: string[] = [];
    for (;;) {
      const batch = await adapters.queues.receive(subscription, { max: 10, waitMs: 0 });
      if (batch.length === 0) return labels;
      labels.push(...labelsOf(batch));
      await adapters.queues.ack(subscription, batch.map((delivery) => delivery.ackId));
    }
  };

  describe('Method: handle', () => {
    it('gives every unordered subscription its own copy of each message, through one pack for both', async () => {
      // Prepare
      const email = await subscribe('welcome-email');
      const profile = await subscribe('create-profile');
      const records = streamRecords(orders, appended([msg('ada'), msg('bob')]));
      counter.reset();

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(counter.snapshot()).toEqual({ 'EventBridge.PutEvents': 1 });
      expect(await receivedBy(email)).toEqual(['ada', 'bob']);
      expect(await receivedBy(profile)).toEqual(['ada', 'bob']);
      expect(warnings()).toEqual([]);
    });

    it('puts the messages bound for the same subscriptions in one pack, and each set of subscriptions gets a pack of its own', async () => {
      // Prepare: everyone matches every message, eu only the eu ones
      const everyone = await subscribe('everyone');
      const eu = await subscribe('eu', { filter: { attributes: { region: ['eu'] } } });
      const records = streamRecords(orders, appended([msg('eu-1', { attributes: { region: 'eu' } }), msg('us-1', { attributes: { region: 'us' } }), msg('eu-2', { attributes: { region: 'eu' } })]));
      counter.reset();

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess: two entries in one PutEvents call; the inbox gets a pack per rule that matched: eu-1 and eu-2 for both, us-1 for everyone
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(counter.snapshot()).toEqual({ 'EventBridge.PutEvents': 1 });
      expect(await adapters.unpackAll()).toBe(3);
      expect((await receivedBy(everyone)).sort()).toEqual(['eu-1', 'eu-2', 'us-1']);
      expect(await receivedBy(eu)).toEqual(['eu-1', 'eu-2']);
    });

    it('starts another pack when the next message would take a pack past EventBridge’s 256 KB', async () => {
      // Prepare: five messages of about 60 KB each, for one subscription
      const worker = await subscribe('worker');
      const labels = ['m1', 'm2', 'm3', 'm4', 'm5'];
      const records = streamRecords(orders, appended(labels.map((label) => msg(label, {}, { padding: 'p'.repeat(60_000) }))));
      counter.reset();

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess: four fit the first pack, the fifth starts the second; both went in separate calls (a call carries 256 KB)
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(counter.snapshot()).toEqual({ 'EventBridge.PutEvents': 2 });
      expect(await adapters.unpackAll()).toBe(2);
      expect((await receivedBy(worker)).sort()).toEqual(labels);
    });

    it('reaches a subscription created before packs with one event per message, which its rule filters, beside the packed ones', async () => {
      // Prepare
      const packed = await subscribe('packed');
      const earlier = subscriptionOf(orders, 'earlier', { filter: { key: ['vip'] } });
      await provisionPerMessage(adapters, catalog, earlier);
      const records = streamRecords(orders, appended([msg('vip-1', { key: 'vip' }), msg('regular', { key: 'regular' })]));
      counter.reset();

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess: one event per message plus one pack, in one call
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(counter.snapshot()).toEqual({ 'EventBridge.PutEvents': 1 });
      expect(await receivedBy(earlier)).toEqual(['vip-1']);
      expect(await receivedBy(packed)).toEqual(['vip-1', 'regular']);
    });

    it('sends a message holding U+FFFE or U+FFFF straight to the queues, since EventBridge may hand those on unescaped and SQS refuses them', async () => {
      // Prepare
      const worker = await subscribe('worker');
      const messages = appended([msg('plain'), msg('odd', {}, { note: 'a\uFFFEb\uFFFF' })]);
      const records = streamRecords(orders, messages);
      counter.reset();

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess: plain in a pack, odd straight to the queue, unaltered
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(counter.snapshot()).toMatchObject({ 'EventBridge.PutEvents': 1, 'SQS.SendMessageBatch': 1 });
      await adapters.unpackAll();
      const deliveries = await adapters.queues.receive(worker, { max: 10, waitMs: 0 });
      expect(deliveries.map((delivery) => delivery.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
        messages.map((message) => message.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      );
    });

    it('relays every message of a record batch, to unordered and ordered subscriptions alike', async () => {
      // Prepare: one stream record holding three messages, as one publish to a partition writes them
      const email = await subscribe('welcome-email');
      const ledger = await subscribe('ledger', { ordered: true });
      const records = [batchRecord(orders, appended([msg('ada', { key: 'A' }), msg('bob', { key: 'A' }), msg('cy', { key: 'A' })]), 100)];

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(await receivedBy(email)).toEqual(['ada', 'bob', 'cy']);
      expect(await receivedBy(ledger)).toEqual(['ada', 'bob', 'cy']);
    });

    it('relays a compressed record batch, whose messages a Lambda event carries as base64 text', async () => {
      // Prepare: five order events with the same fields, which a batch stores deflated
      const email = await subscribe('welcome-email');
      const labels = ['ada', 'bob', 'cy', 'dee', 'eve'];
      const record = batchRecord(orders, appended(labels.map((label) => msg(label, {}, ORDER))), 100);
      expect(record.dynamodb?.NewImage).toMatchObject({ c: { S: 'deflate' }, z: { B: expect.any(String) } });
      expect(record.dynamodb?.NewImage).not.toHaveProperty('m');

      // Act
      const answer = await adapters.relay.handle([record]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(await receivedBy(email)).toEqual(labels);
    });

    it('reports a record batch it cannot decode as the first to try again, and sends nothing from it on', async () => {
      // Prepare: three batches of five order events; the second's compressed bytes are damaged
      const email = await subscribe('welcome-email');
      const orderBatch = (prefix: string, sequence: number): DynamoDBRecord => batchRecord(orders, appended(['a', 'b', 'c', 'd', 'e'].map((label) => msg(`${prefix}-${label}`, {}, ORDER))), sequence);
      const first = orderBatch('first', 100);
      const damaged = orderBatch('second', 101);
      damaged.dynamodb!.NewImage!['z'] = { B: Buffer.from('not deflate at all').toString('base64') } as never;
      const records = [first, damaged, orderBatch('third', 102)];

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '101' }] });
      expect(await receivedBy(email)).toEqual(['first-a', 'first-b', 'first-c', 'first-d', 'first-e']);
      expect(logged).toContainEqual(expect.objectContaining({ level: 50, record: 1, msg: expect.stringContaining('cannot be decoded') }));
    });

    it('moves each partition’s head past the newest batch it relayed, those of a topic without subscriptions too', async () => {
      // Prepare: two batches of partition 0 and one of partition 1
      const [a, b, c] = appended([msg('a'), msg('b'), msg('c')]);
      const [d] = messagesOf(orders, ['d'], { partition: 1 }, 0);
      const records = [batchRecord(orders, [a!, b!], 100), batchRecord(orders, [c!], 101), batchRecord(orders, [d!], 102)];

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(Object.fromEntries(adapters.heads.ends)).toEqual({ [partitionKey(orders, 0)]: c!.offset + 1, [partitionKey(orders, 1)]: 1 });
    });

    it('relays a message item of the layout before record batches, as a table written by an earlier version streams it', async () => {
      // Prepare
      const worker = await subscribe('worker');
      const [message] = appended([msg('legacy', { key: 'A' })]);
      const item = { p: partitionKey(orders, 0), o: message!.offset, tp: orders.name, tc: orders.createdAt, part: 0, id: message!.id, k: 'A', b: JSON.stringify(message!.body), t: Date.parse(message!.publishedAt), ttl: 1 };

      // Act
      const answer = await adapters.relay.handle([{ eventName: 'INSERT', dynamodb: { NewImage: marshall(item) as never, SequenceNumber: '300' } }]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(await receivedBy(worker)).toEqual(['legacy']);
    });

    it.each(FILTER_CASES)('routes through the subscription’s rule only the messages its filter matches ($case)', async ({ filter, matching, other }) => {
      // Prepare
      const filtered = await subscribe('filtered', { filter });
      const records = streamRecords(orders, appended([...other, ...matching]));

      // Act
      await adapters.relay.handle(records);

      // Assess
      expect((await receivedBy(filtered)).sort()).toEqual(matching.map((spec) => spec.label).sort());
    });

    it('matches filters against key, attributes and body only: a filter on the message id matches nothing, as in SubscriptionMatcher', async () => {
      // Prepare
      const [message] = appended([msg('by-id')]);
      const byId = await subscribe('by-id', { filter: { id: [message?.id ?? ''] } });

      // Act
      await adapters.relay.handle(streamRecords(orders, [message as Message]));

      // Assess
      expect(await receivedBy(byId)).toEqual([]);
    });

    it('sends the matching messages straight to an ordered subscription’s FIFO queue, without the bus', async () => {
      // Prepare
      const ledger = await subscribe('ledger', { ordered: true, filter: { attributes: { region: ['eu'] } } });
      const records = streamRecords(orders, appended([msg('eu-1', { key: 'A', attributes: { region: 'eu' } }), msg('us-1', { key: 'A', attributes: { region: 'us' } }), msg('eu-2', { key: 'B', attributes: { region: 'eu' } })]));
      counter.reset();

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(counter.snapshot()).toEqual({ 'SQS.SendMessageBatch': 1 });
      expect((await receivedBy(ledger)).sort()).toEqual(['eu-1', 'eu-2']);
    });

    it('does not double an ordered subscription’s copies when the same records are relayed again (a retried batch)', async () => {
      // Prepare
      const ledger = await subscribe('ledger', { ordered: true });
      const records = streamRecords(orders, appended([msg('A1', { key: 'A' }), msg('A2', { key: 'A' })]));
      await adapters.relay.handle(records);

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(await receivedBy(ledger)).toEqual(['A1', 'A2']);
    });

    it('sends a message too large for an EventBridge event straight to the unordered subscriptions it matches', async () => {
      // Prepare: a body just under Conveyor's 256 KB, which the event's envelope takes over EventBridge's limit
      const everyone = await subscribe('everyone');
      const onlyEu = await subscribe('only-eu', { filter: { attributes: { region: ['eu'] } } });
      const large = 'x'.repeat(262_000);
      const records = streamRecords(orders, appended([msg('large', { attributes: { region: 'us' } }, { padding: large })]));

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(await receivedBy(everyone)).toEqual(['large']);
      expect(await receivedBy(onlyEu)).toEqual([]);
    });

    it('drops messages of a deleted topic, or of an earlier topic of the same name', async () => {
      // Prepare
      const worker = await subscribe('worker');
      const earlier = streamRecords(orders, appended([msg('old-incarnation')]), { incarnation: '2025-06-01T00:00:00.000Z' });
      const gone = topicNamed('gone');
      const ofDeletedTopic = streamRecords(gone, messagesOf(gone, ['no-topic']), { firstSequence: 200 });
      counter.reset();

      // Act
      const answer = await adapters.relay.handle([...earlier, ...ofDeletedTopic]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(counter.snapshot()).toEqual({});
      expect(await receivedBy(worker)).toEqual([]);
    });

    it('passes over partition head counters, updates and deletes', async () => {
      // Prepare
      const worker = await subscribe('worker');
      const [insert] = streamRecords(orders, appended([msg('new')]));
      const [update, removal] = streamRecords(orders, appended([msg('updated'), msg('removed')]), { firstSequence: 300 }).map((record, index) => ({
        ...record,
        eventName: index === 0 ? ('MODIFY' as const) : ('REMOVE' as const),
      }));

      // Act
      const answer = await adapters.relay.handle([headCounterRecord(orders, 90), insert!, update!, removal!]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(await receivedBy(worker)).toEqual(['new']);
    });
  });

  describe('Method: handle, when AWS fails', () => {
    const withFaults = (rules: readonly FaultRule[]): FaultInjector => {
      const faults = new FaultInjector(rules);
      adapters.clients.destroy();
      adapters = withPlugins([faults]);
      return faults;
    };

    it('sends again only the PutEvents entries EventBridge reported as failed', async () => {
      // Prepare: two packs, [a] for worker and vip, [b, c] for worker alone; the second fails once
      const worker = await subscribe('worker');
      const vip = await subscribe('vip', { filter: { key: ['vip'] } });
      const faults = withFaults([{ target: 'EventBridge.PutEvents', kind: 'partial', entries: [1], times: 1 }]);
      const records = streamRecords(orders, appended([msg('a', { key: 'vip' }), msg('b'), msg('c')]));
      counter.reset();

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(faults.injected).toBe(1);
      expect(counter.snapshot()).toEqual({ 'EventBridge.PutEvents': 2 });
      expect((await receivedBy(worker)).sort()).toEqual(['a', 'b', 'c']);
      expect(await receivedBy(vip)).toEqual(['a']);
    });

    it('sends the messages of a pack EventBridge refuses for good straight to the queues of the subscriptions it names', async () => {
      // Prepare: EventBridge refuses the pack holding b (as it would a message it cannot take); a and c's pack goes through
      const worker = await subscribe('worker');
      const vip = await subscribe('vip', { filter: { key: ['vip'] } });
      withFaults([{ target: 'EventBridge.PutEvents', kind: 'partial', entriesContaining: 'orders-b', error: { name: 'MalformedDetail', status: 400 } }]);
      const records = streamRecords(orders, appended([msg('a'), msg('b', { key: 'vip' }), msg('c')]));
      counter.reset();

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess: one PutEvents (a refusal is not retried), then b's copies sent by the relay
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(counter.snapshot()).toMatchObject({ 'EventBridge.PutEvents': 1, 'SQS.SendMessageBatch': 2 });
      expect((await receivedBy(worker)).sort()).toEqual(['a', 'b', 'c']);
      expect(await receivedBy(vip)).toEqual(['b']);
      expect(logged).toEqual([
        expect.objectContaining({ level: 40, topic: 'orders', source: 'conveyor.pack', code: 'MalformedDetail', messages: 1, subscriptions: expect.arrayContaining(['worker', 'vip']), msg: expect.stringContaining('go straight to the queues') }),
      ]);
    });

    it('sends the message of a per-message event EventBridge refuses for good straight to the queues of the subscriptions it matches', async () => {
      // Prepare: a subscription created before packs, and EventBridge refuses b's event
      const earlier = subscriptionOf(orders, 'earlier');
      await provisionPerMessage(adapters, catalog, earlier);
      withFaults([{ target: 'EventBridge.PutEvents', kind: 'partial', entriesContaining: 'orders-b', error: { name: 'MalformedDetail', status: 400 } }]);
      const records = streamRecords(orders, appended([msg('a'), msg('b'), msg('c')]));

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect((await receivedBy(earlier)).sort()).toEqual(['a', 'b', 'c']);
    });

    it('sends again only the SendMessageBatch entries SQS reported as failed, keeping each key’s order', async () => {
      // Prepare
      const ledger = await subscribe('ledger', { ordered: true });
      const faults = withFaults([{ target: 'SQS.SendMessageBatch', kind: 'partial', entries: [0], times: 1 }]);
      const records = streamRecords(orders, appended([msg('A1', { key: 'A' }), msg('B1', { key: 'B' }), msg('A2', { key: 'A' }), msg('B2', { key: 'B' })]));

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess: A1 failed once, and A2 was not sent before A1 was
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(faults.injected).toBe(1);
      const rounds: string[][] = [];
      for (let batch = await adapters.queues.receive(ledger, { max: 10, waitMs: 0 }); batch.length > 0; batch = await adapters.queues.receive(ledger, { max: 10, waitMs: 0 })) {
        rounds.push(labelsOf(batch).sort());
        await adapters.queues.ack(ledger, batch.map((delivery) => delivery.ackId));
      }
      expect(rounds).toEqual([
        ['A1', 'B1'],
        ['A2', 'B2'],
      ]);
    });

    it('reports the first record of a pack that could not be published, after the retries', async () => {
      // Prepare: two packs, [a] for worker and vip, [b, c, d] for worker alone; the second entry of every PutEvents call fails
      await subscribe('worker');
      await subscribe('vip', { filter: { key: ['vip'] } });
      withFaults([{ target: 'EventBridge.PutEvents', kind: 'partial', entries: [1] }]);
      const records = streamRecords(orders, appended([msg('a', { key: 'vip' }), msg('b'), msg('c'), msg('d')]), { firstSequence: 500 });

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '501' }] });
      expect(logged).toEqual([expect.objectContaining({ level: 40, record: 1, code: 'RetriesSpent', msg: expect.stringContaining('did not reach the bus') })]);
    });

    it('reports the first record of a partition whose head could not be moved, and sends nothing from it on', async () => {
      // Prepare: partition 1's head cannot be written
      const worker = await subscribe('worker');
      const [a, b] = appended([msg('a'), msg('b')]);
      const [c] = messagesOf(orders, ['c'], { partition: 1 }, 0);
      adapters.heads.failing.add(partitionKey(orders, 1));

      // Act
      const answer = await adapters.relay.handle([batchRecord(orders, [a!], 700), batchRecord(orders, [c!], 701), batchRecord(orders, [b!], 702)]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '701' }] });
      expect(await receivedBy(worker)).toEqual(['a']);
      expect(logged).toEqual([expect.objectContaining({ level: 40, partition: partitionKey(orders, 1), msg: expect.stringContaining('head of a partition') })]);
    });

    it('reports the first record whose ordered copy could not be queued', async () => {
      // Prepare: SQS fails every SendMessageBatch call as a whole
      await subscribe('ledger', { ordered: true });
      withFaults([{ target: 'SQS.SendMessageBatch', kind: 'server-error' }]);
      const records = [...streamRecords(orders, appended([msg('A1', { key: 'A' })]), { firstSequence: 600 })];

      // Act
      const answer = await adapters.relay.handle([headCounterRecord(orders, 599), ...records]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '600' }] });
      expect(logged).toEqual([expect.objectContaining({ level: 40, subscription: 'ledger', messages: 1, msg: expect.stringContaining('cannot send to the queue') })]);
    });

    it('tries again the records of an ordered subscription made moments ago whose queue SQS does not know yet', async () => {
      // Prepare: the catalog knows the subscription, SQS not (yet) its queue
      catalog.subscriptions.push(subscriptionOf(orders, 'ledger', { ordered: true, createdAt: new Date().toISOString() }));
      const records = streamRecords(orders, appended([msg('A1', { key: 'A' })]), { firstSequence: 650 });

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '650' }] });
      expect(logged).toEqual([expect.objectContaining({ level: 40, subscription: 'ledger', msg: expect.stringContaining('made moments ago') })]);
    });

    it('drops the messages of a subscription whose queue is gone once it is older than MISSING_QUEUE_GRACE_MS (deleted meanwhile)', async () => {
      // Prepare
      const made = new Date(Date.now() - MISSING_QUEUE_GRACE_MS - 1000).toISOString();
      catalog.subscriptions.push(subscriptionOf(orders, 'ledger', { ordered: true, createdAt: made }));
      const records = streamRecords(orders, appended([msg('A1', { key: 'A' })]), { firstSequence: 660 });

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect(logged).toEqual([expect.objectContaining({ level: 30, subscription: 'ledger', msg: expect.stringContaining('dropped') })]);
    });

    it('reports the first record of a topic whose subscriptions cannot be read', async () => {
      // Prepare
      await subscribe('worker');
      const records = streamRecords(orders, appended([msg('a'), msg('b')]), { firstSequence: 700 });
      catalog.failing = true;

      // Act
      const answer = await adapters.relay.handle(records);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '700' }] });
      expect(logged).toEqual([expect.objectContaining({ level: 40, topic: 'orders', msg: expect.stringContaining('cannot read the topic') })]);
    });
  });
});
