import type { Json } from '../../src/domain/types.js';
import { describeContract } from './harness/backends.js';
import {
  KAFKA_MURMUR2_VECTORS,
  appended,
  kafkaPartition,
  numbered,
  partitionStats,
  publishOk,
  readAll,
  readPage,
  retainedCount,
} from './harness/logFixtures.js';
import { iso } from './harness/queueFixtures.js';

/** A ULID as the broker generates ids: 26 characters of Crockford's base32. */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describeContract('Publishing', (target) => {
  describe('results', () => {
    it('returns one result per message in request order, keeping the client ids', async () => {
      // Prepare
      await target().api.createTopic('results-order');

      // Act
      const results = await publishOk(target().api, 'results-order', [{ id: 'first', body: 1 }, { body: 2 }, { id: 'third', body: 3 }]);

      // Assess
      expect(results).toHaveLength(3);
      expect(results.map((result) => result.id)).toEqual(['first', expect.stringMatching(ULID), 'third']);
      expect(results.map((result) => result.duplicate)).toEqual([false, false, false]);
      const stored = await readAll(target().api, 'results-order');
      const bodyAt = ({ partition, offset }: { partition: number; offset: number }) =>
        stored.find((message) => message.partition === partition && message.offset === offset)?.body;
      expect(results.map(appended).map(bodyAt)).toEqual([1, 2, 3]);
    });

    it('generates unique ids that sort in publish order', async () => {
      // Prepare
      await target().api.createTopic('generated-ids');

      // Act
      const first = await publishOk(target().api, 'generated-ids', numbered(10));
      const second = await publishOk(target().api, 'generated-ids', numbered(10));

      // Assess
      const ids = [...first, ...second].map((result) => result.id);
      expect(new Set(ids).size).toBe(20);
      expect([...ids].sort()).toEqual(ids);
      expect(ids.filter((id) => !ULID.test(id))).toEqual([]);
    });
  });

  describe('offsets', () => {
    it('numbers each partition 0, 1, 2, … without gaps, over several requests', async () => {
      // Prepare
      await target().api.createTopic('dense-offsets', { partitions: 3 });

      // Act
      const results = [
        ...(await publishOk(target().api, 'dense-offsets', numbered(7))),
        ...(await publishOk(target().api, 'dense-offsets', numbered(5, { key: 'k' }))),
        ...(await publishOk(target().api, 'dense-offsets', numbered(9))),
      ].map(appended);

      // Assess
      const stats = await partitionStats(target().api, 'dense-offsets');
      expect(stats.map((p) => p.partition)).toEqual([0, 1, 2]);
      for (const { partition, oldestOffset, nextOffset } of stats) {
        const offsets = results.filter((result) => result.partition === partition).map((result) => result.offset);
        expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i));
        expect({ oldestOffset, nextOffset }).toEqual({ oldestOffset: 0, nextOffset: offsets.length });
      }
    });

    it('keeps the request order of one key within its partition', async () => {
      // Prepare
      await target().api.createTopic('request-order', { partitions: 4 });
      await publishOk(target().api, 'request-order', [{ key: 'customer-17', body: 'earlier' }]);

      // Act
      const results = (await publishOk(target().api, 'request-order', numbered(10, { key: 'customer-17' }))).map(appended);

      // Assess
      expect(results.map((result) => result.offset)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const page = await readPage(target().api, 'request-order', results[0]!.partition, 'fromOffset=1');
      expect(page.messages.map((message) => message.body)).toEqual(numbered(10).map((message) => message.body));
    });
  });

  describe('partitioning', () => {
    it('always puts messages of the same key on the same partition', async () => {
      // Prepare
      await target().api.createTopic('same-key', { partitions: 8 });

      // Act
      const first = await publishOk(target().api, 'same-key', numbered(3, { key: 'order-42' }));
      const second = await publishOk(target().api, 'same-key', numbered(3, { key: 'order-42' }));

      // Assess
      const partitions = [...first, ...second].map((result) => appended(result).partition);
      expect(partitions).toEqual(Array.from({ length: 6 }, () => partitions[0]));
    });

    it.each(KAFKA_MURMUR2_VECTORS.map(({ key, hash }) => ({ case: key.length > 20 ? `${key.slice(0, 20)}…` : key, key, hash })))(
      'places key "$case" where Kafka\'s murmur2 partitioner does',
      async ({ key, hash }) => {
        // Prepare
        await target().api.createTopic('murmur2', { partitions: 8 });

        // Act
        const [result] = await publishOk(target().api, 'murmur2', [{ key, body: key }]);

        // Assess
        expect(appended(result).partition).toBe(kafkaPartition(hash, 8));
      },
    );

    it('spreads keyless messages round-robin over every partition', async () => {
      // Prepare
      await target().api.createTopic('keyless', { partitions: 4 });

      // Act
      const partitions = (await publishOk(target().api, 'keyless', numbered(40))).map((result) => appended(result).partition);

      // Assess: each message goes to the partition after the previous one's, wherever the cycle starts
      const first = partitions[0]!;
      expect(partitions).toEqual(Array.from({ length: 40 }, (_, i) => (first + i) % 4));
      expect(await partitionStats(target().api, 'keyless')).toEqual([0, 1, 2, 3].map((partition) => ({ partition, oldestOffset: 0, nextOffset: 10 })));
    });
  });

  describe('round trip', () => {
    const bodies: Array<{ case: string; body: Json }> = [
      { case: 'a nested object', body: { order: { id: 1042, lines: [{ sku: 'A-1', qty: 2 }], paid: true, note: null } } },
      { case: 'an empty object', body: {} },
      { case: 'an array of mixed values', body: [1, 'two', { three: 3 }, [4], null, false] },
      { case: 'a string', body: 'plain text' },
      { case: 'an empty string', body: '' },
      { case: 'an integer', body: 42 },
      { case: 'a negative fraction', body: -0.125 },
      { case: 'the largest safe integer', body: Number.MAX_SAFE_INTEGER },
      { case: 'null', body: null },
      { case: 'true', body: true },
      { case: 'false', body: false },
      { case: 'control characters and escapes', body: 'tab\t newline\n quote" backslash\\ nul\u0000 bell\u0007' },
      { case: 'unicode text', body: { text: 'héllo wörld — 日本語 🚀', 'ключ': 'значение' } },
    ];

    it.each(bodies.map((entry, i) => ({ ...entry, topic: `round-trip-${i}` })))('reads back $case exactly as published', async ({ topic, body }) => {
      // Prepare
      target().clock.freeze();
      await target().api.createTopic(topic, { partitions: 1 });

      // Act
      const [result] = await publishOk(target().api, topic, [{ id: 'rt', key: 'κλειδί', attributes: { type: 'order.created' }, body }]);

      // Assess
      const { messages } = await readPage(target().api, topic, 0);
      expect(messages).toEqual([
        { id: 'rt', topic, partition: 0, offset: appended(result).offset, key: 'κλειδί', attributes: { type: 'order.created' }, body, publishedAt: iso(target().clock.now()) },
      ]);
    });

    it('reads back attributes exactly, and no key and no attributes as null and {}', async () => {
      // Prepare
      const attributes = { type: 'order.created', 'x-trace-id': 'abc-123', emoji: '✅ ünïcödé', empty: '' };
      await target().api.createTopic('attributes', { partitions: 1 });

      // Act
      await publishOk(target().api, 'attributes', [{ body: 'with', attributes }, { body: 'without' }]);

      // Assess
      const { messages } = await readPage(target().api, 'attributes', 0);
      expect(messages.map(({ key, attributes: read }) => ({ key, attributes: read }))).toEqual([
        { key: null, attributes },
        { key: null, attributes: {} },
      ]);
    });
  });

  describe('deduplication', () => {
    it('answers a repeated id within the window as a duplicate of the original, and stores one copy', async () => {
      // Prepare
      await target().api.createTopic('dedup-repeat', { partitions: 4 });
      const [original] = await publishOk(target().api, 'dedup-repeat', [{ id: 'order-1', key: 'a', body: 'first' }]);

      // Act
      const [repeated] = await publishOk(target().api, 'dedup-repeat', [{ id: 'order-1', key: 'b', body: 'second' }]);

      // Assess
      const { partition, offset } = appended(original);
      expect(repeated).toEqual({ id: 'order-1', partition, offset, duplicate: true });
      expect((await readAll(target().api, 'dedup-repeat')).map((message) => message.body)).toEqual(['first']);
    });

    it('answers a repeated id within the same request as a duplicate of the first', async () => {
      // Prepare
      await target().api.createTopic('dedup-same-request', { partitions: 4 });

      // Act
      const results = await publishOk(target().api, 'dedup-same-request', [{ id: 'x', body: 1 }, { id: 'y', body: 2 }, { id: 'x', body: 3 }]);

      // Assess
      const { partition, offset } = appended(results[0]);
      expect(results[2]).toEqual({ id: 'x', partition, offset, duplicate: true });
      expect(results[1]?.duplicate).toBe(false);
      expect(await retainedCount(target().api, 'dedup-same-request')).toBe(2);
    });

    it('appends a repeated id again when the topic has dedupWindowSeconds 0', async () => {
      // Prepare
      await target().api.createTopic('dedup-off', { partitions: 1, dedupWindowSeconds: 0 });

      // Act
      const results = await publishOk(target().api, 'dedup-off', [{ id: 'same', body: 1 }, { id: 'same', body: 2 }]);

      // Assess
      expect(results).toEqual([
        { id: 'same', partition: 0, offset: 0, duplicate: false },
        { id: 'same', partition: 0, offset: 1, duplicate: false },
      ]);
      expect((await readPage(target().api, 'dedup-off', 0)).messages.map((message) => message.id)).toEqual(['same', 'same']);
    });

    it('appends a repeated id again once the dedup window has passed', async () => {
      // Prepare
      await target().api.createTopic('dedup-expired', { partitions: 1, dedupWindowSeconds: 60 });
      await publishOk(target().api, 'dedup-expired', [{ id: 'again', body: 1 }]);
      await target().advance(61_000);

      // Act
      const [result] = await publishOk(target().api, 'dedup-expired', [{ id: 'again', body: 2 }]);

      // Assess
      expect(result).toEqual({ id: 'again', partition: 0, offset: 1, duplicate: false });
    });
  });

  describe('all or nothing', () => {
    const invalid: Array<{ case: string; entry: unknown }> = [
      { case: 'a missing body', entry: { key: 'k' } },
      { case: 'a numeric key', entry: { key: 5, body: 'x' } },
      { case: 'a non-string attribute', entry: { body: 'x', attributes: { n: 1 } } },
      { case: 'an empty id', entry: { id: '', body: 'x' } },
      { case: 'both delaySeconds and deliverAt', entry: { body: 'x', delaySeconds: 5, deliverAt: '2030-01-01T00:00:00Z' } },
      { case: 'an unknown field', entry: { body: 'x', priority: 1 } },
    ];

    it.each(invalid.map((item, i) => ({ ...item, topic: `atomic-${i}` })))('rejects the whole request with 400 when one entry has $case, and writes nothing', async ({ topic, entry }) => {
      // Prepare
      await target().api.createTopic(topic, { partitions: 2 });
      await target().api.createSubscription(topic, 'watcher');
      const valid = [{ id: 'v1', body: 'valid' }, { key: 'k', body: 'valid' }, { body: 'later', delaySeconds: 1 }];

      // Act
      const response = await target().api.publish(topic, [...valid.slice(0, 2), entry, valid[2]]);

      // Assess
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('InvalidRequest');
      await target().advance(2_000);
      expect(await partitionStats(target().api, topic)).toEqual([
        { partition: 0, oldestOffset: 0, nextOffset: 0 },
        { partition: 1, oldestOffset: 0, nextOffset: 0 },
      ]);
      expect((await target().api.pull(topic, 'watcher', { max: 10 })).body.messages).toEqual([]);
      expect((await target().api.publish(topic, [{ id: 'v1', body: 'now' }])).body.results[0]?.duplicate).toBe(false);
    });
  });
});
