import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoMessageLog } from '../../src/adapters/aws/DynamoMessageLog.js';
import { partitionKey } from '../../src/adapters/aws/names.js';
import { RequestCounter } from '../../src/adapters/aws/RequestCounter.js';
import { ReadLimits, ResponseLimits } from '../../src/domain/constants.js';
import { storedMessageBytes } from '../../src/domain/messageSize.js';
import type { Topic } from '../../src/domain/types.js';
import { TestClock } from '../helpers/TestClock.js';
import { entryFactory, offsetsAndBodies, TABLES, useDynamo, useLog } from './dynamoFixtures.js';

const HOUR = 3_600_000;

describe('Class: DynamoMessageLog (reading)', () => {
  const dynamo = useDynamo();
  const suite = useLog(dynamo);

  describe('Method: read', () => {
    it('pages through a partition with limit and nextOffset, ending on an empty page at the head', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'paging' });
      await suite.appendBodies(topic, ['0', '1', '2', '3', '4', '5', '6']);

      // Act
      const pages: Array<{ offsets: number[]; nextOffset: number }> = [];
      for (let next = 0, i = 0; i < 4; i += 1) {
        const page = await suite.log.read(topic, 0, { offset: next }, 3);
        pages.push({ offsets: page.messages.map((message) => message.offset), nextOffset: page.nextOffset });
        next = page.nextOffset;
      }

      // Assess
      expect(pages).toEqual([
        { offsets: [0, 1, 2], nextOffset: 3 },
        { offsets: [3, 4, 5], nextOffset: 6 },
        { offsets: [6], nextOffset: 7 },
        { offsets: [], nextOffset: 7 },
      ]);
    });

    it.each([
      { case: 'the oldest message', from: { oldest: true as const }, offsets: [0, 1], nextOffset: 2 },
      { case: 'an offset inside', from: { offset: 1 }, offsets: [1], nextOffset: 2 },
      { case: 'the head', from: { offset: 2 }, offsets: [], nextOffset: 2 },
      { case: 'an offset beyond the head', from: { offset: 50 }, offsets: [], nextOffset: 2 },
    ])('reads a two-message partition from $case', async ({ from, offsets, nextOffset }) => {
      // Prepare
      const topic = await suite.createTopic({ name: 'positions' });
      await suite.appendBodies(topic, ['a', 'b']);

      // Act
      const page = await suite.log.read(topic, 0, from, 10);

      // Assess
      expect(page.messages.map((message) => message.offset)).toEqual(offsets);
      expect(page.nextOffset).toBe(nextOffset);
    });

    it('reads an empty partition as no messages with nextOffset 0', async () => {
      const topic = await suite.createTopic({ name: 'empty' });
      expect(await suite.log.read(topic, 0, { oldest: true }, 10)).toEqual({ messages: [], nextOffset: 0 });
    });

    it('reads from the first message published at or after a time', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'from-time' });
      await suite.appendBodies(topic, ['before-1', 'before-2']);
      suite.clock.advance(60_000);
      const noted = suite.clock.now();
      await suite.appendBodies(topic, ['at']);
      suite.clock.advance(1);
      await suite.appendBodies(topic, ['after']);

      // Act
      const page = await suite.log.read(topic, 0, { time: noted }, 10);

      // Assess
      expect(offsetsAndBodies(page)).toEqual([[2, 'at'], [3, 'after']]);
    });

    it('reads nothing from a time after the last message, with nextOffset at the head', async () => {
      const topic = await suite.createTopic({ name: 'future' });
      await suite.appendBodies(topic, ['a', 'b']);
      expect(await suite.log.read(topic, 0, { time: suite.clock.now() + HOUR }, 10)).toEqual({ messages: [], nextOffset: 2 });
    });

    it('never lets publish times go backwards along a partition, so time seeks stay exact', async () => {
      // Prepare: the second publisher's clock is a minute behind
      const topic = await suite.createTopic({ name: 'skewed' });
      const behind = new TestClock();
      behind.freeze();
      behind.advance(suite.clock.now() - behind.now() - 60_000);
      await suite.appendBodies(topic, ['first']);
      await new DynamoMessageLog(dynamo().clients, TABLES, behind, suite.sender).append(topic, [entryFactory({ id: 'second' })]);

      // Act
      const { messages } = await suite.log.read(topic, 0, { offset: 0 }, 10);

      // Assess
      expect(messages.map((message) => message.publishedAt)).toEqual([new Date(suite.clock.now()).toISOString(), new Date(suite.clock.now()).toISOString()]);
      expect((await suite.log.read(topic, 0, { time: suite.clock.now() }, 10)).messages.map((message) => message.id)).toEqual(['gen-first', 'second']);
    });
  });

  describe('Method: read (a table written before record batches)', () => {
    it('reads messages stored one item per message, and appends after them', async () => {
      // Prepare: two message items and the head counter, as an earlier version wrote them
      const topic = await suite.createTopic({ name: 'legacy' });
      const key = partitionKey(topic, 0);
      const t = suite.clock.now();
      const legacy = [
        { p: key, o: -1, next: 2, t },
        { p: key, o: 0, tp: topic.name, tc: topic.createdAt, part: 0, id: 'old-0', k: 'k', b: '{"n":0}', a: '{"kind":"old"}', t, ttl: Math.ceil(t / 1000) + 3600 },
        { p: key, o: 1, tp: topic.name, tc: topic.createdAt, part: 0, id: 'old-1', b: '"one"', t, ttl: Math.ceil(t / 1000) + 3600 },
      ];
      for (const item of legacy) await dynamo().clients.dynamo.send(new PutCommand({ TableName: TABLES.logTable, Item: item }));

      // Act
      const [outcome] = await suite.log.append(topic, [entryFactory({ id: 'new-2', body: 'two' })]);
      const page = await suite.log.read(topic, 0, { offset: 1 }, 10);

      // Assess
      expect(outcome).toEqual({ id: 'new-2', partition: 0, offset: 2, duplicate: false });
      expect(offsetsAndBodies(page)).toEqual([[1, 'one'], [2, 'two']]);
      const [first] = (await suite.log.read(topic, 0, { offset: 0 }, 1)).messages;
      expect(first).toMatchObject({ id: 'old-0', offset: 0, key: 'k', body: { n: 0 }, attributes: { kind: 'old' } });
    });
  });

  describe('Method: read (retention)', () => {
    /** A one-hour-retention partition: `expired` messages published two hours ago, then `retained` now. */
    async function partitionWithExpiredPrefix(name: string, expired: number, retained: number): Promise<Topic> {
      const topic = await suite.createTopic({ name, retentionHours: 1 });
      const bodies = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
      await suite.appendBodies(topic, bodies('old', expired));
      suite.clock.advance(2 * HOUR);
      await suite.appendBodies(topic, bodies('new', retained));
      return topic;
    }

    it.each([
      { case: 'offset 0', from: { offset: 0 } },
      { case: 'the oldest message', from: { oldest: true as const } },
      { case: 'a time before every message', from: { time: 0 } },
    ])('skips messages whose retention is over, reading from $case', async ({ from }) => {
      // Prepare
      const topic = await partitionWithExpiredPrefix('retention', 2, 2);

      // Act
      const page = await suite.log.read(topic, 0, from, 10);

      // Assess
      expect(offsetsAndBodies(page)).toEqual([[2, 'new0'], [3, 'new1']]);
      expect(page.nextOffset).toBe(4);
    });

    it('finds the retained messages behind an expired prefix longer than the page', async () => {
      // Prepare
      const topic = await partitionWithExpiredPrefix('long-prefix', 12, 3);

      // Act
      const page = await suite.log.read(topic, 0, { offset: 0 }, 5);

      // Assess
      expect(offsetsAndBodies(page)).toEqual([[12, 'new0'], [13, 'new1'], [14, 'new2']]);
    });

    it.each([
      { case: 'inside a deleted batch', offset: 3 },
      { case: 'inside an expired batch still stored', offset: 4 },
      { case: 'past the last expired batch', offset: 7 },
    ])('skips expired batches, some deleted by TTL out of order, reading from $case', async ({ offset }) => {
      // Prepare: batches at 0, 2, 4 and 6 expired, TTL has deleted those at 2 and 6, and a retained one at 8
      const topic = await suite.createTopic({ name: 'holes', retentionHours: 1 });
      for (const batch of [0, 2, 4, 6]) await suite.appendBodies(topic, [`old${batch}`, `old${batch + 1}`]);
      suite.clock.advance(2 * HOUR);
      await suite.appendBodies(topic, ['new8', 'new9']);
      await suite.deleteBatches(topic, 0, [2, 6]);

      // Act
      const page = await suite.log.read(topic, 0, { offset }, 10);

      // Assess
      expect(offsetsAndBodies(page)).toEqual([[8, 'new8'], [9, 'new9']]);
      expect(page.nextOffset).toBe(10);
      expect(await suite.log.stats(topic)).toEqual([{ partition: 0, oldestOffset: 8, nextOffset: 10 }]);
    });

    it('reads nothing, with nextOffset at the head, once every message expired', async () => {
      // Prepare
      const topic = await partitionWithExpiredPrefix('all-expired', 3, 0);

      // Act
      const page = await suite.log.read(topic, 0, { offset: 1 }, 10);

      // Assess
      expect(page).toEqual({ messages: [], nextOffset: 3 });
    });

    it('counts a message expired exactly when its retention has passed', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'edge', retentionHours: 1 });
      await suite.appendBodies(topic, ['edge']);

      // Act
      suite.clock.advance(HOUR - 1);
      const justBefore = await suite.log.read(topic, 0, { oldest: true }, 10);
      suite.clock.advance(1);
      const at = await suite.log.read(topic, 0, { oldest: true }, 10);

      // Assess
      expect(justBefore.messages).toHaveLength(1);
      expect(at).toEqual({ messages: [], nextOffset: 1 });
    });
  });

  describe('Method: read (byte budget)', () => {
    const BUDGET = ResponseLimits.bytes.min;
    const LARGE = 200 * 1024;
    /** Messages m0, m1, … at offsets 0, 1, … of partition 0, each padded to about its size in `sizes`. */
    const appendSized = (topic: Topic, sizes: readonly number[]) =>
      suite.log.append(topic, sizes.map((size, n) => entryFactory({ id: `m${n}`, body: { n, pad: 'x'.repeat(size) }, partition: 0 })));
    /** A log on the same tables whose reads stop at BUDGET, its DynamoDB requests counted. */
    const budgetedLog = (counter: RequestCounter) => new DynamoMessageLog(dynamo().newClients(counter), TABLES, suite.clock, suite.sender, { responseBytes: BUDGET });

    it('stops adding messages at the budget, and nextOffset continues the read with nothing skipped or repeated', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'budget' });
      await appendSized(topic, [LARGE, 0, LARGE, LARGE, 0, 0, LARGE]);
      const log = budgetedLog(new RequestCounter());

      // Act
      const pages: Array<{ offsets: number[]; bytes: number; nextOffset: number }> = [];
      for (let next = 0, i = 0; i < 3; i += 1) {
        const page = await log.read(topic, 0, { offset: next }, ReadLimits.limit.max);
        const bytes = page.messages.reduce((sum, message) => sum + storedMessageBytes(message), 0);
        pages.push({ offsets: page.messages.map((message) => message.offset), bytes, nextOffset: page.nextOffset });
        next = page.nextOffset;
      }

      // Assess
      expect(pages.map(({ offsets, nextOffset }) => ({ offsets, nextOffset }))).toEqual([
        { offsets: [0, 1, 2], nextOffset: 3 },
        { offsets: [3, 4, 5, 6], nextOffset: 7 },
        { offsets: [], nextOffset: 7 },
      ]);
      for (const page of pages) expect(page.bytes).toBeLessThanOrEqual(BUDGET);
    });

    it('queries no further page once the budget is spent', async () => {
      // Prepare: 10 messages of 200 KiB, one record batch each (two would pass the item size), fill two 1 MB query pages and part of a third
      const topic = await suite.createTopic({ name: 'budget-pages' });
      await appendSized(topic, Array.from({ length: 10 }, () => LARGE));
      const counter = new RequestCounter();
      const log = budgetedLog(counter);

      // Act
      const page = await log.read(topic, 0, { offset: 0 }, ReadLimits.limit.max);

      // Assess
      expect(page.messages.map((message) => message.offset)).toEqual([0, 1]);
      // The last batch (where the partition ends), the batch that holds offset 0, then one page of the batches after it
      expect(counter.snapshot()['DynamoDB.Query']).toBe(3);
    });

    it('returns the first message whatever the budget, so a reader always moves on', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'budget-first' });
      await appendSized(topic, [LARGE, LARGE]);
      const log = new DynamoMessageLog(dynamo().clients, TABLES, suite.clock, suite.sender, { responseBytes: 1024 });

      // Act
      const page = await log.read(topic, 0, { offset: 0 }, ReadLimits.limit.max);

      // Assess
      expect(page.messages.map((message) => message.offset)).toEqual([0]);
      expect(page.nextOffset).toBe(1);
    });
  });

  describe('Method: stats', () => {
    it('reports the oldest retained and the next offset of every partition, expired messages not counted', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'stats', partitions: 3, retentionHours: 1 });
      await suite.appendBodies(topic, ['old-0', 'old-1', 'old-2']);
      await suite.appendBodies(topic, ['one-old'], 1);
      suite.clock.advance(2 * HOUR);
      await suite.appendBodies(topic, ['new-0'], 0);

      // Act
      const stats = await suite.log.stats(topic);

      // Assess
      expect(stats).toEqual([
        { partition: 0, oldestOffset: 3, nextOffset: 4 },
        { partition: 1, oldestOffset: 1, nextOffset: 1 },
        { partition: 2, oldestOffset: 0, nextOffset: 0 },
      ]);
    });
  });

  describe('Method: trimExpired', () => {
    it('leaves expired items to DynamoDB TTL and reports none deleted', async () => {
      // Prepare
      const topic = await suite.createTopic({ name: 'trim', retentionHours: 1 });
      await suite.appendBodies(topic, ['old']);
      suite.clock.advance(2 * HOUR);

      // Act
      const trimmed = await suite.log.trimExpired(suite.clock.now());

      // Assess
      expect(trimmed).toBe(0);
      expect(await suite.log.stats(topic)).toEqual([{ partition: 0, oldestOffset: 1, nextOffset: 1 }]);
    });
  });
});
