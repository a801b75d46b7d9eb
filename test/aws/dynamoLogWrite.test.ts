import type { Json } from '../../src/domain/types.js';
import { LogHeads } from '../../src/adapters/aws/dynamo/LogHeads.js';
import { DynamoMessageLog } from '../../src/adapters/aws/DynamoMessageLog.js';
import { batchOf } from '../../src/adapters/aws/logItems.js';
import { RequestCounter } from '../../src/adapters/aws/RequestCounter.js';
import { FaultInjector } from '../helpers/FaultInjector.js';
import { entryFactory, offsetsAndBodies, TABLES, useDynamo, useLog } from './dynamoFixtures.js';

describe('Class: DynamoMessageLog (writing)', () => {
  const dynamo = useDynamo();
  const suite = useLog(dynamo);

  describe('Method: append', () => {
    it('gives each partition dense offsets from 0 in request order, and answers in input order', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'dense', partitions: 2 });
      const entries = ['a', 'b', 'c', 'd'].map((id, i) => entryFactory({ id, partition: i % 2 }));

      // Act
      const outcomes = await suite.log.append(topic, entries);

      // Assess
      expect(outcomes).toEqual([
        { id: 'a', partition: 0, offset: 0, duplicate: false },
        { id: 'b', partition: 1, offset: 0, duplicate: false },
        { id: 'c', partition: 0, offset: 1, duplicate: false },
        { id: 'd', partition: 1, offset: 1, duplicate: false },
      ]);
      expect(offsetsAndBodies(await suite.log.read(topic, 0, { offset: 0 }, 10))).toEqual([[0, 'a'], [1, 'c']]);
    });

    it('stores key, body, attributes and the publish time as given', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'content' });
      const entry = entryFactory({ id: 'm', key: 'k-1', body: { nested: [1, null, 'x'] }, attributes: { kind: 'order' } });

      // Act
      await suite.log.append(topic, [entry]);

      // Assess
      const { messages } = await suite.log.read(topic, 0, { offset: 0 }, 10);
      expect(messages).toEqual([
        { id: 'm', topic: 'content', partition: 0, offset: 0, key: 'k-1', body: { nested: [1, null, 'x'] }, attributes: { kind: 'order' }, publishedAt: new Date(suite.clock.now()).toISOString() },
      ]);
    });

    it.each([
      { case: 'plain record batches', clientIds: (_p: number) => false },
      { case: 'some with remembered ids, in transactions', clientIds: (p: number) => p % 2 === 1 },
    ])('keeps offsets gap-free and each publisher in order when five processes publish to one partition at once ($case)', async ({ clientIds }) => {
      // Prepare
      const topic = await suite.createTopic({ name: 'contended' });
      // This spec is about order and gaps, not the contention budget (10 s, inside the API's 29 s): on a loaded
      // machine the emulator is slow enough that one of five racing writers can lose that long, so it gets more.
      const patient = { retry: { maxWaitMs: 90_000, maxAttempts: 2000 } };
      const publishers = Array.from({ length: 5 }, () => new DynamoMessageLog(dynamo().newClients(), TABLES, suite.clock, suite.sender, patient));

      // Act
      await Promise.all(
        publishers.map(async (publisher, p) => {
          for (let n = 0; n < 20; n += 1) await publisher.append(topic, [entryFactory({ id: `p${p}-${n}`, body: { p, n }, clientId: clientIds(p) })]);
        }),
      );

      // Assess
      const { messages, nextOffset } = await suite.log.read(topic, 0, { offset: 0 }, 1000);
      expect(messages.map((message) => message.offset)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(nextOffset).toBe(100);
      for (let p = 0; p < 5; p += 1) {
        const own = messages.map((message) => message.body as { p: number; n: number }).filter((body) => body.p === p);
        expect(own.map((body) => body.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
      }
    }, 180_000);

    it('splits a batch larger than one transaction into several, in order', async () => {
      // Prepare: 150 remembered ids need 300 items besides the head, so at least four transactions
      const topic = await suite.createTopic({ name: 'large-batch' });
      const entries = Array.from({ length: 150 }, (_, i) => entryFactory({ id: `id-${i}`, body: i, clientId: true }));

      // Act
      const outcomes = await suite.log.append(topic, entries);

      // Assess
      expect(outcomes.map((outcome) => ('offset' in outcome ? outcome.offset : null))).toEqual(entries.map((_, i) => i));
      const page = await suite.log.read(topic, 0, { offset: 0 }, 1000);
      expect(page.messages.map((message) => message.body)).toEqual(entries.map((_, i) => i));
    });

    it('writes a publish to one partition as one record batch item, and starts a new one where a batch would pass the item size', async () => {
      // Prepare: five messages of 100 KiB, and a record batch holds at most 350 KB of messages
      const topic = await suite.createTopic({ name: 'batches' });
      const entries = Array.from({ length: 5 }, (_, n) => entryFactory({ id: `big-${n}`, body: { n, pad: 'x'.repeat(100 * 1024) } }));

      // Act
      await suite.log.append(topic, [entryFactory({ id: 'small-0' }), entryFactory({ id: 'small-1' })]);
      await suite.log.append(topic, entries);

      // Assess: batches keyed by their first offset (the head item is the relay's to write)
      const items = await suite.logItems(topic, 0);
      expect(items.map((item) => [item['o'], item['n']])).toEqual([[0, 2], [2, 3], [5, 2]]);
      const { messages } = await suite.log.read(topic, 0, { offset: 0 }, 10);
      expect(messages.map((message) => message.id)).toEqual(['small-0', 'small-1', ...entries.map((entry) => entry.id)]);
    });

    it('stores a batch’s messages deflated when that makes the item smaller, and reads them back as published', async () => {
      // Prepare: ten order events of about 1 KiB that share their fields, as a publish of one service sends them
      const topic = await suite.createTopic({ name: 'compressed' });
      const entries = Array.from({ length: 10 }, (_, n) => entryFactory({ id: `order-${n}`, key: `customer-${n % 3}`, attributes: { kind: 'order' }, body: orderEvent(n) }));

      // Act
      await suite.log.append(topic, entries);

      // Assess: one item, its messages in `z` (a third of their text or less), none in `m`
      const [item] = await suite.logItems(topic, 0);
      expect(item).toMatchObject({ o: 0, n: 10, c: 'deflate' });
      expect(item).not.toHaveProperty('m');
      const text = entries.reduce((sum, entry) => sum + JSON.stringify(entry.body).length, 0);
      expect((item?.['z'] as Uint8Array).byteLength).toBeLessThan(text / 3);
      const { messages } = await suite.log.read(topic, 0, { offset: 3 }, 10);
      expect(messages.map(({ id, key, body, attributes }) => ({ id, key, body, attributes }))).toEqual(
        entries.slice(3).map(({ id, key, body, attributes }) => ({ id, key, body, attributes })),
      );
    });

    it('keeps every batch’s messages as a list when its compression is none, as a deployment upgrading from a version without it sets', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'pinned' });
      const pinned = new DynamoMessageLog(dynamo().newClients(), TABLES, suite.clock, suite.sender, { compression: 'none' });
      const entries = Array.from({ length: 10 }, (_, n) => entryFactory({ id: `order-${n}`, body: orderEvent(n) }));

      // Act
      await pinned.append(topic, entries);

      // Assess
      const [item] = await suite.logItems(topic, 0);
      expect(item?.['m']).toHaveLength(10);
      expect(item).not.toHaveProperty('z');
    });

    it('keeps the messages of a batch of a few hundred bytes as a list', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'small-batch' });
      const entries = ['a', 'b', 'c'].map((id) => entryFactory({ id, body: { label: id } }));

      // Act
      await suite.log.append(topic, entries);

      // Assess
      const [item] = await suite.logItems(topic, 0);
      expect(item?.['m']).toHaveLength(3);
      expect(item).not.toHaveProperty('z');
      expect((await suite.log.read(topic, 0, { offset: 0 }, 10)).messages.map((message) => message.body)).toEqual(entries.map((entry) => entry.body));
    });

    it('appends after the batch it finds in its place when another process appended since it last looked', async () => {
      // Prepare: this process remembers the end at 1; another appends three messages there
      const topic = await suite.createTopic({ name: 'stale-end' });
      await suite.log.append(topic, [entryFactory({ id: 'first' })]);
      const other = new DynamoMessageLog(dynamo().newClients(), TABLES, suite.clock, suite.sender);
      await other.append(topic, ['a', 'b', 'c'].map((id) => entryFactory({ id })));
      const counter = new RequestCounter();
      const stale = new DynamoMessageLog(dynamo().newClients(counter), TABLES, suite.clock, suite.sender);
      await stale.append(topic, [entryFactory({ id: 'primer' })]);
      // An order event: the batch the late put finds in its place, and reads the end from, is compressed
      await other.append(topic, [entryFactory({ id: 'meanwhile', body: orderEvent(5) })]);

      // Act
      const [outcome] = await stale.append(topic, [entryFactory({ id: 'late' })]);

      // Assess
      expect(outcome).toEqual({ id: 'late', partition: 0, offset: 6, duplicate: false });
      const { messages, nextOffset } = await suite.log.read(topic, 0, { offset: 0 }, 10);
      expect(messages.map((message) => [message.offset, message.id])).toEqual([[0, 'first'], [1, 'a'], [2, 'b'], [3, 'c'], [4, 'primer'], [5, 'meanwhile'], [6, 'late']]);
      expect(nextOffset).toBe(7);
      expect((await suite.logItems(topic, 0)).find((item) => item['o'] === 5)).toHaveProperty('z');
      // primer: the end read (head item and last batch), topic read, put; late: a put that found "meanwhile" there, the put after it, topic read
      expect(counter.snapshot()).toEqual({ 'DynamoDB.GetItem': 3, 'DynamoDB.Query': 1, 'DynamoDB.PutItem': 3 });
    });

    it('continues the offsets after the head once TTL has deleted every batch of an idle partition', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'idle', retentionHours: 1 });
      await suite.appendBodies(topic, ['a', 'b', 'c']);
      await new LogHeads(dynamo().clients.dynamo, TABLES.logTable).advance((await suite.logItems(topic, 0)).flatMap((item) => batchOf(item) ?? [])); // as the relay does
      suite.clock.advance(2 * 3_600_000);
      await suite.deleteBatches(topic, 0, [0]);
      const fresh = new DynamoMessageLog(dynamo().newClients(), TABLES, suite.clock, suite.sender);

      // Act
      const [outcome] = await fresh.append(topic, [entryFactory({ id: 'after' })]);

      // Assess
      expect(outcome).toEqual({ id: 'after', partition: 0, offset: 3, duplicate: false });
      expect(await suite.log.stats(topic)).toEqual([{ partition: 0, oldestOffset: 3, nextOffset: 4 }]);
    });

    it('appends a batch once when the answer to its put was lost and the SDK sent it again', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'lost-answer' });
      const faults = new FaultInjector([{ target: 'DynamoDB.PutItem', kind: 'lost-response', times: 1 }]);
      const unlucky = new DynamoMessageLog(dynamo().newClients(faults), TABLES, suite.clock, suite.sender);

      // Act: order events, so that the batch the retried put finds is a compressed one
      const outcomes = await unlucky.append(topic, [entryFactory({ id: 'x', body: orderEvent(1) }), entryFactory({ id: 'y', body: orderEvent(2) })]);

      // Assess
      expect(faults.injected).toBe(1);
      expect((await suite.logItems(topic, 0))[0]).toHaveProperty('z');
      expect(outcomes.map((outcome) => ('offset' in outcome ? outcome.offset : null))).toEqual([0, 1]);
      const { messages, nextOffset } = await suite.log.read(topic, 0, { offset: 0 }, 10);
      expect(messages.map((message) => message.id)).toEqual(['x', 'y']);
      expect(nextOffset).toBe(2);
    });

    it('keeps each record batch within DynamoDB’s item size when attributes are mostly characters JSON escapes', async () => {
      // Prepare: each message counts 131 KB (PublishLimits allows 256 KiB) but its attributes are 262 KB as JSON text
      const topic = await suite.createTopic({ name: 'escapes' });
      const attributes = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`a${i}`, '"'.repeat(4096)]));
      const entries = ['e0', 'e1'].map((id) => entryFactory({ id, body: null, attributes }));

      // Act
      const outcomes = await suite.log.append(topic, entries);

      // Assess
      expect(outcomes.map((outcome) => ('offset' in outcome ? outcome.offset : null))).toEqual([0, 1]);
      expect((await suite.logItems(topic, 0)).map((item) => [item['o'], item['n']])).toEqual([[0, 1], [1, 1]]);
    });

    it('retries a transaction that DynamoDB cancelled for a conflict', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'conflicted' });
      const faults = new FaultInjector([{ target: 'DynamoDB.TransactWriteItems', kind: 'transaction-conflict', times: 2 }]);
      const flaky = new DynamoMessageLog(dynamo().newClients(faults), TABLES, suite.clock, suite.sender);

      // Act
      const outcomes = await flaky.append(topic, [entryFactory({ id: 'x', clientId: true })]);

      // Assess
      expect(faults.injected).toBe(2);
      expect(outcomes).toEqual([{ id: 'x', partition: 0, offset: 0, duplicate: false }]);
    });

    it.each([
      { case: 'a transaction (remembered ids)', target: 'DynamoDB.TransactWriteItems', kind: 'transaction-conflict' as const, clientId: true },
      { case: 'a put (no remembered ids)', target: 'DynamoDB.PutItem', kind: 'throttle' as const, clientId: false },
    ])('gives up with Unavailable when every attempt at $case fails, and appends nothing', async ({ target, kind, clientId }) => {
      // Prepare
      const topic = await suite.createTopic({ name: 'always-failing' });
      const faults = new FaultInjector([{ target, kind }]);
      const hopeless = new DynamoMessageLog(dynamo().newClients(faults), TABLES, suite.clock, suite.sender, { retry: { maxAttempts: 3, baseDelayMs: 1 } });

      // Act
      const appending = hopeless.append(topic, [entryFactory({ id: 'x', clientId })]);

      // Assess
      await expect(appending).rejects.toMatchObject({ code: 'Unavailable' });
      expect(faults.injected).toBeGreaterThanOrEqual(3);
      expect(await suite.log.stats(topic)).toEqual([{ partition: 0, oldestOffset: 0, nextOffset: 0 }]);
    });

    it.each([{ clientId: false }, { clientId: true }])('throws TopicNotFound when the topic was deleted or created anew since it was read (clientId $clientId)', async ({ clientId }) => {
      // Prepare
      const stale = await suite.createTopic({ name: 'recreated' });
      await suite.metadata.deleteTopic('recreated');
      suite.clock.advance(1000);
      await suite.createTopic({ name: 'recreated' });

      // Act
      const appending = suite.log.append(stale, [entryFactory({ id: 'late', clientId })]);

      // Assess
      await expect(appending).rejects.toMatchObject({ code: 'TopicNotFound' });
    });

    it('publishes a batch without remembered ids as one conditional put, with the topic read beside it', async () => {
      // Prepare
      const counter = new RequestCounter();
      const counted = new DynamoMessageLog(dynamo().newClients(counter), TABLES, suite.clock, suite.sender);
      const topic = await suite.createTopic({ name: 'cost' });

      // Act
      await counted.append(topic, Array.from({ length: 10 }, (_, i) => entryFactory({ id: `c${i}` })));
      const first = counter.snapshot();
      await counted.append(topic, Array.from({ length: 10 }, (_, i) => entryFactory({ id: `d${i}` })));

      // Assess: the second publish knows where the partition ends and reads no end
      expect(first).toEqual({ 'DynamoDB.GetItem': 2, 'DynamoDB.Query': 1, 'DynamoDB.PutItem': 1 });
      expect(counter.snapshot()).toEqual({ 'DynamoDB.GetItem': 3, 'DynamoDB.Query': 1, 'DynamoDB.PutItem': 2 });
    });

    it('publishes a batch of remembered ids with one end read and one transaction', async () => {
      // Prepare
      const counter = new RequestCounter();
      const counted = new DynamoMessageLog(dynamo().newClients(counter), TABLES, suite.clock, suite.sender);
      const topic = await suite.createTopic({ name: 'cost' });

      // Act
      await counted.append(topic, Array.from({ length: 10 }, (_, i) => entryFactory({ id: `c${i}`, clientId: true })));

      // Assess
      expect(counter.snapshot()).toEqual({ 'DynamoDB.GetItem': 1, 'DynamoDB.Query': 1, 'DynamoDB.TransactWriteItems': 1 });
    });
  });

  describe('Method: append (deduplication)', () => {
    it('answers a repeated client id within the window as a duplicate of the original, and stores one copy', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'dedup', partitions: 2 });
      await suite.log.append(topic, [entryFactory({ id: 'order-1', partition: 1, body: 'first', clientId: true })]);

      // Act
      const [repeated] = await suite.log.append(topic, [entryFactory({ id: 'order-1', partition: 0, body: 'second', clientId: true })]);

      // Assess
      expect(repeated).toEqual({ id: 'order-1', partition: 1, offset: 0, duplicate: true });
      expect(await suite.log.stats(topic)).toEqual([
        { partition: 0, oldestOffset: 0, nextOffset: 0 },
        { partition: 1, oldestOffset: 0, nextOffset: 1 },
      ]);
    });

    it('answers a repeated id within one batch as a duplicate of the first, whatever partition it chose', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'dedup-batch', partitions: 2 });

      // Act
      const outcomes = await suite.log.append(topic, [
        entryFactory({ id: 'x', partition: 1, clientId: true }),
        entryFactory({ id: 'y', partition: 1, clientId: true }),
        entryFactory({ id: 'x', partition: 0, clientId: true }),
      ]);

      // Assess
      expect(outcomes).toEqual([
        { id: 'x', partition: 1, offset: 0, duplicate: false },
        { id: 'y', partition: 1, offset: 1, duplicate: false },
        { id: 'x', partition: 1, offset: 0, duplicate: true },
      ]);
    });

    it('lets only one of two racing publishers of one id append it', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'dedup-race' });
      const other = new DynamoMessageLog(dynamo().newClients(), TABLES, suite.clock, suite.sender);

      // Act
      const outcomes = (await Promise.all([suite.log, other].map((publisher) => publisher.append(topic, [entryFactory({ id: 'once', clientId: true })])))).flat();

      // Assess
      expect(outcomes.map((outcome) => outcome.duplicate).sort()).toEqual([false, true]);
      expect(outcomes.map((outcome) => ('offset' in outcome ? outcome.offset : null))).toEqual([0, 0]);
      expect(await suite.log.stats(topic)).toEqual([{ partition: 0, oldestOffset: 0, nextOffset: 1 }]);
    });

    it('appends a repeated id again once the dedup window has passed', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'dedup-expired', dedupWindowSeconds: 60 });
      await suite.log.append(topic, [entryFactory({ id: 'again', clientId: true })]);
      suite.clock.advance(60_000);

      // Act
      const [result] = await suite.log.append(topic, [entryFactory({ id: 'again', clientId: true })]);

      // Assess
      expect(result).toEqual({ id: 'again', partition: 0, offset: 1, duplicate: false });
    });

    it.each([
      { case: 'the topic has dedupWindowSeconds 0', dedupWindowSeconds: 0, clientId: true },
      { case: 'the id was generated, not given by the client', dedupWindowSeconds: 60, clientId: false },
    ])('appends a repeated id again when $case', async ({ dedupWindowSeconds, clientId }) => {
      // Prepare
      const topic = await suite.createTopic({ name: 'dedup-off', dedupWindowSeconds });

      // Act
      const outcomes = await suite.log.append(topic, [entryFactory({ id: 'same', clientId }), entryFactory({ id: 'same', clientId })]);

      // Assess
      expect(outcomes).toEqual([
        { id: 'same', partition: 0, offset: 0, duplicate: false },
        { id: 'same', partition: 0, offset: 1, duplicate: false },
      ]);
    });
  });

  describe('Method: append (delayed entries)', () => {
    it('hands entries due later to the DelayedSender and answers with their due time', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'delayed' });
      const dueAt = suite.clock.now() + 60_000;

      // Act
      const outcomes = await suite.log.append(topic, [entryFactory({ id: 'later', dueAt }), entryFactory({ id: 'now', dueAt: suite.clock.now() })]);

      // Assess
      expect(outcomes).toEqual([
        { id: 'later', scheduledFor: dueAt, duplicate: false },
        { id: 'now', partition: 0, offset: 0, duplicate: false },
      ]);
      expect(suite.sender.sent).toEqual([{ topic: 'delayed', entries: [entryFactory({ id: 'later', dueAt })] }]);
    });

    it('answers a repeated id of a waiting message as a duplicate with the original due time, and sends it once', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'delayed-dedup' });
      const dueAt = suite.clock.now() + 60_000;
      await suite.log.append(topic, [entryFactory({ id: 'remind', dueAt, clientId: true })]);

      // Act
      const [repeated] = await suite.log.append(topic, [entryFactory({ id: 'remind', dueAt: dueAt + 600_000, clientId: true })]);

      // Assess
      expect(repeated).toEqual({ id: 'remind', scheduledFor: dueAt, duplicate: true });
      expect(suite.sender.sent).toHaveLength(1);
    });

    it('keeps the first of two entries with one id as the original, even when it is the delayed one', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'mixed' });
      const dueAt = suite.clock.now() + 60_000;

      // Act
      const outcomes = await suite.log.append(topic, [entryFactory({ id: 'mixed', dueAt, clientId: true }), entryFactory({ id: 'mixed', clientId: true })]);

      // Assess
      expect(outcomes).toEqual([
        { id: 'mixed', scheduledFor: dueAt, duplicate: false },
        { id: 'mixed', scheduledFor: dueAt, duplicate: true },
      ]);
      expect(await suite.log.stats(topic)).toEqual([{ partition: 0, oldestOffset: 0, nextOffset: 0 }]);
    });

    it('forgets the ids of delayed entries it could not send and throws, so a retry is not a duplicate', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'send-fails' });
      const later = entryFactory({ id: 'retry-me', dueAt: suite.clock.now() + 60_000, clientId: true });
      suite.sender.failNext = true;

      // Act
      const failing = suite.log.append(topic, [later]);

      // Assess
      await expect(failing).rejects.toMatchObject({ code: 'Unavailable' });
      expect(await suite.log.append(topic, [later])).toEqual([{ id: 'retry-me', scheduledFor: later.dueAt, duplicate: false }]);
    });
  });

  describe('Method: release', () => {
    it('appends each released entry once, however often the delay queue delivers it', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'release' });
      const entries = [entryFactory({ id: 'd1', dueAt: suite.clock.now() }), entryFactory({ id: 'd2', dueAt: suite.clock.now() })];

      // Act
      await suite.log.release(topic, [...entries, entries[0]!]);
      await suite.log.release(topic, entries);

      // Assess
      expect(offsetsAndBodies(await suite.log.read(topic, 0, { offset: 0 }, 10))).toEqual([[0, 'd1'], [1, 'd2']]);
    });

    it('points a repeated publish of a released id at its place in the log', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'released-dedup' });
      const dueAt = suite.clock.now() + 10_000;
      await suite.log.append(topic, [entryFactory({ id: 'once', body: 'delayed', dueAt, clientId: true })]);
      await suite.appendBodies(topic, ['before']);
      suite.clock.advance(10_000);
      await suite.log.release(topic, [entryFactory({ id: 'once', body: 'delayed', dueAt })]);

      // Act
      const [repeated] = await suite.log.append(topic, [entryFactory({ id: 'once', body: 'immediate', clientId: true })]);

      // Assess
      expect(repeated).toEqual({ id: 'once', partition: 0, offset: 1, duplicate: true });
      expect(offsetsAndBodies(await suite.log.read(topic, 0, { offset: 0 }, 10))).toEqual([[0, 'before'], [1, 'delayed']]);
    });

    it('releases an id published again with another due time after its window', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'released-twice' });
      const first = suite.clock.now() + 10_000;

      // Act
      await suite.log.release(topic, [entryFactory({ id: 'weekly', body: 'first', dueAt: first })]);
      await suite.log.release(topic, [entryFactory({ id: 'weekly', body: 'second', dueAt: first + 120_000 })]);

      // Assess
      expect(offsetsAndBodies(await suite.log.read(topic, 0, { offset: 0 }, 10))).toEqual([[0, 'first'], [1, 'second']]);
    });

    it('throws TopicNotFound for a topic deleted since, appending nothing', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'release-gone' });
      await suite.metadata.deleteTopic('release-gone');

      // Act
      const releasing = suite.log.release(topic, [entryFactory({ id: 'orphan', dueAt: suite.clock.now() })]);

      // Assess
      await expect(releasing).rejects.toMatchObject({ code: 'TopicNotFound' });
    });
  });


  describe('Class: LogHeads', () => {
    it('moves a partition’s head to the end of the newest batch it is given, and never back', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'heads' });
      await suite.appendBodies(topic, ['a', 'b']);
      await suite.appendBodies(topic, ['c']);
      const [older, newer] = (await suite.logItems(topic, 0)).flatMap((item) => batchOf(item) ?? []);
      const heads = new LogHeads(dynamo().clients.dynamo, TABLES.logTable);

      // Act
      const failed = [await heads.advance([older!, newer!]), await heads.advance([older!])];

      // Assess
      expect(failed).toEqual([new Set(), new Set()]);
      const [head] = await suite.logItems(topic, 0);
      expect(head).toMatchObject({ o: -1, next: 3 });
    });
  });
});

/** An order event of about 1 KiB, with the fields every order has and the values this one has. */
function orderEvent(n: number): Json {
  return {
    type: 'order.placed',
    orderId: `ord-${String(n * 7919).padStart(8, '0')}`,
    customer: { id: `cus-${n % 3}`, email: `customer${n % 3}@example.com`, tier: n % 2 === 0 ? 'gold' : 'basic' },
    items: Array.from({ length: 1 + (n % 4) }, (_, i) => ({ sku: `SKU-${1000 + n * 10 + i}`, quantity: 1 + i, priceCents: 1999 + n * 100 + i })),
    shipping: { street: `${10 + n} Harbour Street`, city: ['Leeds', 'Lisbon', 'Berlin'][n % 3] ?? 'Leeds', postcode: `${40_000 + n}`, country: ['GB', 'PT', 'DE'][n % 3] ?? 'GB' },
    placedAt: new Date(Date.UTC(2026, 11, 5, 6, 0, n)).toISOString(),
    note: `Please leave the parcel with the neighbour at number ${n + 2} if nobody answers; the bell at the gate does not work, knock on the side door. Gift wrap requested for order ${n}.`,
  };
}
