import type { Conveyor } from './harness/Conveyor.js';
import { describeContract } from './harness/backends.js';
import { KAFKA_MURMUR2_VECTORS, kafkaPartition, numbered, partitionStats, publishOk, readPage } from './harness/logFixtures.js';

/** A key Kafka's partitioner puts on `partition` of a two-partition topic. */
function keyOn(partition: number): string {
  const vector = KAFKA_MURMUR2_VECTORS.find(({ hash }) => kafkaPartition(hash, 2) === partition);
  if (vector === undefined) throw new Error(`no Kafka test vector lands on partition ${partition} of 2`);
  return vector.key;
}
const KEY_ON_0 = keyOn(0);
const KEY_ON_1 = keyOn(1);

const offsetsOf = (page: { messages: ReadonlyArray<{ offset: number }> }): number[] => page.messages.map((message) => message.offset);

describeContract('Reading the log', (target) => {
  /** A one-partition topic whose first message expired: offset 0 trimmed, offset 1 retained. */
  async function topicWithExpiredHead(topic: string): Promise<void> {
    await target().api.createTopic(topic, { partitions: 1, retentionHours: 1 });
    await publishOk(target().api, topic, [{ body: 'old' }]);
    await target().advance(2 * 3_600_000);
    await publishOk(target().api, topic, [{ body: 'new' }]);
    await target().maintain();
  }

  describe('GET /v1/topics/{topic}/partitions/{partition}/messages', () => {
    it('reads from the given offset in offset order', async () => {
      // Prepare
      await target().api.createTopic('from-offset', { partitions: 1 });
      await publishOk(target().api, 'from-offset', numbered(5));

      // Act
      const page = await readPage(target().api, 'from-offset', 0, 'fromOffset=2');

      // Assess
      expect(page.messages.map((message) => [message.offset, message.body])).toEqual([[2, { n: 2 }], [3, { n: 3 }], [4, { n: 4 }]]);
      expect(page.nextOffset).toBe(5);
    });

    it('pages through a partition with limit and nextOffset, ending on an empty page at the head', async () => {
      // Prepare
      await target().api.createTopic('paging', { partitions: 1 });
      await publishOk(target().api, 'paging', numbered(7));

      // Act
      const pages = [];
      let next = 0;
      for (let i = 0; i < 4; i += 1) {
        const page = await readPage(target().api, 'paging', 0, `fromOffset=${next}&limit=3`);
        pages.push({ offsets: offsetsOf(page), nextOffset: page.nextOffset });
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

    it('returns at most 100 messages when no limit is given', async () => {
      // Prepare
      await target().api.createTopic('default-limit', { partitions: 1 });
      await publishOk(target().api, 'default-limit', numbered(101));

      // Act
      const page = await readPage(target().api, 'default-limit', 0);

      // Assess
      expect(page.messages).toHaveLength(100);
      expect(page.nextOffset).toBe(100);
    });

    it('starts at the oldest message when no position is given', async () => {
      // Prepare
      await target().api.createTopic('no-position', { partitions: 1 });
      await publishOk(target().api, 'no-position', numbered(3));

      // Act
      const page = await readPage(target().api, 'no-position', 0);

      // Assess
      expect(offsetsOf(page)).toEqual([0, 1, 2]);
      expect(page.nextOffset).toBe(3);
    });

    it('reads from the first message published at or after fromTime', async () => {
      // Prepare
      await target().api.createTopic('from-time', { partitions: 1 });
      await publishOk(target().api, 'from-time', [{ body: 'before-1' }, { body: 'before-2' }]);
      await target().advance(60_000);
      const noted = new Date(target().clock.now()).toISOString();
      await publishOk(target().api, 'from-time', [{ body: 'after-1' }, { body: 'after-2' }]);

      // Act
      const page = await readPage(target().api, 'from-time', 0, `fromTime=${encodeURIComponent(noted)}`);

      // Assess
      expect(page.messages.map((message) => message.body)).toEqual(['after-1', 'after-2']);
      expect(page.nextOffset).toBe(4);
    });

    it('includes a message published exactly at fromTime', async () => {
      // Prepare
      await target().api.createTopic('at-time', { partitions: 1 });
      await publishOk(target().api, 'at-time', [{ body: 'before' }]);
      await target().advance(60_000);
      await publishOk(target().api, 'at-time', [{ body: 'exactly' }]);
      const [, exactly] = (await readPage(target().api, 'at-time', 0)).messages;

      // Act
      const page = await readPage(target().api, 'at-time', 0, `fromTime=${encodeURIComponent(exactly?.publishedAt ?? '')}`);

      // Assess
      expect(page.messages.map((message) => message.body)).toEqual(['exactly']);
    });

    it('reads nothing from a fromTime after the last message, with nextOffset at the head', async () => {
      // Prepare
      await target().api.createTopic('from-future', { partitions: 1 });
      await publishOk(target().api, 'from-future', numbered(2));
      const future = new Date(target().clock.now() + 3_600_000).toISOString();

      // Act
      const page = await readPage(target().api, 'from-future', 0, `fromTime=${encodeURIComponent(future)}`);

      // Assess
      expect(page).toEqual({ messages: [], nextOffset: 2 });
    });

    it('does not move any consumer group', async () => {
      // Prepare
      await target().api.createTopic('read-only', { partitions: 1 });
      await publishOk(target().api, 'read-only', numbered(2));
      await target().api.commitOffsets('read-only', 'readers', [{ partition: 0, offset: 1 }]);

      // Act
      await readPage(target().api, 'read-only', 0);

      // Assess
      expect((await target().api.getGroup('read-only', 'readers')).body.partitions).toEqual([{ partition: 0, committedOffset: 1, nextOffset: 2, lag: 1 }]);
    });

    it.each([
      { case: 'the partition count', partition: 2 },
      { case: 'the largest partition number', partition: 64 },
      { case: 'a negative number', partition: -1 },
    ])('answers 400 InvalidRequest for a partition at $case', async ({ partition }) => {
      // Prepare
      await target().api.createTopic('two-partitions', { partitions: 2 });

      // Act
      const response = await target().api.read('two-partitions', partition);

      // Assess
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('InvalidRequest');
    });

    it.each([
      { case: 'both fromOffset and fromTime', query: 'fromOffset=0&fromTime=2024-05-01T12:00:00.000Z' },
      { case: 'a negative fromOffset', query: 'fromOffset=-1' },
      { case: 'a fromTime that is not a date-time', query: 'fromTime=yesterday' },
      { case: 'limit 0', query: 'limit=0' },
      { case: 'limit 1001', query: 'limit=1001' },
    ])('answers 400 InvalidRequest to a read with $case', async ({ query }) => {
      // Prepare
      await target().api.createTopic('bad-queries', { partitions: 1 });

      // Act
      const response = await target().api.read('bad-queries', 0, query);

      // Assess
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('InvalidRequest');
    });
  });

  describe('retention', () => {
    it('trims messages older than retentionHours and moves oldestOffset', async () => {
      // Act
      await topicWithExpiredHead('retention-trim');

      // Assess
      expect(await partitionStats(target().api, 'retention-trim')).toEqual([{ partition: 0, oldestOffset: 1, nextOffset: 2 }]);
    });

    it.each([
      { case: 'an offset below the retention start', topic: 'retention-read-offset', query: 'fromOffset=0' },
      { case: 'no position', topic: 'retention-read-oldest', query: '' },
    ])('reads from the oldest retained message given $case', async ({ topic, query }) => {
      // Prepare
      await topicWithExpiredHead(topic);

      // Act
      const page = await readPage(target().api, topic, 0, query);

      // Assess
      expect(page.messages.map((message) => [message.offset, message.body])).toEqual([[1, 'new']]);
      expect(page.nextOffset).toBe(2);
    });

    it('counts only retained messages as lag', async () => {
      // Prepare
      await topicWithExpiredHead('retention-lag');
      await target().api.commitOffsets('retention-lag', 'behind', [{ partition: 0, offset: 0 }]);

      // Act
      const [behind, fresh] = await Promise.all([target().api.getGroup('retention-lag', 'behind'), target().api.getGroup('retention-lag', 'fresh')]);

      // Assess
      expect(behind.body.partitions).toEqual([{ partition: 0, committedOffset: 0, nextOffset: 2, lag: 1 }]);
      expect(fresh.body.partitions).toEqual([{ partition: 0, committedOffset: null, nextOffset: 2, lag: 1 }]);
    });
  });

  describe('consumer groups', () => {
    /** A two-partition topic with `on0` messages on partition 0 and `on1` on partition 1. */
    async function twoPartitionTopic(api: Conveyor, topic: string, on0: number, on1: number): Promise<void> {
      await api.createTopic(topic, { partitions: 2 });
      await publishOk(api, topic, [...numbered(on0, { key: KEY_ON_0 }), ...numbered(on1, { key: KEY_ON_1 })]);
    }

    it('stores committed offsets and reports them with the next offset and the lag', async () => {
      // Prepare
      await twoPartitionTopic(target().api, 'group-commit', 5, 3);

      // Act
      const committed = await target().api.commitOffsets('group-commit', 'billing', [{ partition: 0, offset: 2 }, { partition: 1, offset: 3 }]);

      // Assess
      const expected = {
        topic: 'group-commit',
        group: 'billing',
        partitions: [
          { partition: 0, committedOffset: 2, nextOffset: 5, lag: 3 },
          { partition: 1, committedOffset: 3, nextOffset: 3, lag: 0 },
        ],
      };
      expect(committed.status).toBe(200);
      expect(committed.body).toEqual(expected);
      expect((await target().api.getGroup('group-commit', 'billing')).body).toEqual(expected);
    });

    it('keeps the committed offset of partitions a later commit does not list', async () => {
      // Prepare
      await twoPartitionTopic(target().api, 'group-partial', 4, 4);
      await target().api.commitOffsets('group-partial', 'billing', [{ partition: 0, offset: 3 }]);

      // Act
      await target().api.commitOffsets('group-partial', 'billing', [{ partition: 1, offset: 1 }]);

      // Assess
      expect((await target().api.getGroup('group-partial', 'billing')).body.partitions).toEqual([
        { partition: 0, committedOffset: 3, nextOffset: 4, lag: 1 },
        { partition: 1, committedOffset: 1, nextOffset: 4, lag: 3 },
      ]);
    });

    it('reports a group that never committed with null offsets and every retained message as lag', async () => {
      // Prepare
      await twoPartitionTopic(target().api, 'group-unknown', 2, 3);

      // Act
      const response = await target().api.getGroup('group-unknown', 'newcomer');

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        topic: 'group-unknown',
        group: 'newcomer',
        partitions: [
          { partition: 0, committedOffset: null, nextOffset: 2, lag: 2 },
          { partition: 1, committedOffset: null, nextOffset: 3, lag: 3 },
        ],
      });
    });

    it.each([
      { case: 'the same partition twice', offsets: [{ partition: 0, offset: 1 }, { partition: 0, offset: 2 }] },
      { case: 'a partition outside the topic', offsets: [{ partition: 0, offset: 1 }, { partition: 2, offset: 1 }] },
      { case: 'a negative offset', offsets: [{ partition: 0, offset: -1 }] },
      { case: 'no entries', offsets: [] },
    ])('answers 400 InvalidRequest to a commit with $case, and commits nothing', async ({ offsets }) => {
      // Prepare
      await twoPartitionTopic(target().api, 'group-invalid', 2, 2);

      // Act
      const response = await target().api.commitOffsets('group-invalid', 'strict', offsets);

      // Assess
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('InvalidRequest');
      const partitions = (await target().api.getGroup('group-invalid', 'strict')).body.partitions;
      expect(partitions.map((partition) => partition.committedOffset)).toEqual([null, null]);
    });

    it('answers 404 TopicNotFound to a commit on a topic that does not exist', async () => {
      const response = await target().api.commitOffsets('no-such-topic', 'billing', [{ partition: 0, offset: 0 }]);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('TopicNotFound');
    });
  });
});
