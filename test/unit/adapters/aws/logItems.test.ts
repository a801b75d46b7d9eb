import { BATCH_CODEC } from '../../../../src/adapters/aws/batchCompression.js';
import { batchOf, messagesOf, toBatchedMessage, toBatchItem, toStoredBatch, type BatchItem } from '../../../../src/adapters/aws/logItems.js';
import { StorageError } from '../../../../src/domain/errors.js';

/** A batch of `count` messages with the same fields, at offsets 40… of partition 2. */
function batchOfOrders(count: number): BatchItem {
  const messages = Array.from({ length: count }, (_, n) =>
    toBatchedMessage({ id: `order-${n}`, partition: 2, key: `customer-${n % 2}`, body: { order: n, note: 'leave the parcel at the door and ring twice' }, attributes: { kind: 'order' }, clientId: false }).message,
  );
  return toBatchItem({ partitionKey: 'orders#2', topic: 'orders', topicCreatedAt: '2026-12-05T06:00:00.000Z', partition: 2, offset: 40, messages, publishedAt: 1_764_914_400_000, retentionHours: 24 });
}

describe('Module: logItems', () => {
  describe('Function: toStoredBatch', () => {
    it('stores the messages deflated in `z`, with the codec in `c`, when that is smaller than the list', () => {
      // Act
      const stored = toStoredBatch(batchOfOrders(20));

      // Assess
      expect(stored).toMatchObject({ p: 'orders#2', o: 40, n: 20, c: BATCH_CODEC });
      expect(stored['z']).toBeInstanceOf(Uint8Array);
      expect(stored).not.toHaveProperty('m');
    });

    it('keeps the list `m` for a batch of a few hundred bytes', () => {
      // Act
      const stored = toStoredBatch(batchOfOrders(2));

      // Assess
      expect(stored['m']).toHaveLength(2);
      expect(stored).not.toHaveProperty('z');
    });
  });

  describe('Function: batchOf', () => {
    it.each([
      { case: 'bytes, as the SDK answers them', encode: (z: Uint8Array): unknown => z },
      { case: 'base64 text, as a Lambda event carries them', encode: (z: Uint8Array): unknown => Buffer.from(z).toString('base64') },
    ])('reads a compressed batch back whole from $case', ({ encode }) => {
      // Prepare
      const batch = batchOfOrders(20);
      const stored = toStoredBatch(batch);

      // Act
      const read = batchOf({ ...stored, z: encode(stored['z'] as Uint8Array) });

      // Assess
      expect(read).toEqual(batch);
      expect(messagesOf(read!, 45, 2).map((message) => [message.offset, message.id, message.key, message.body])).toEqual([
        [45, 'order-5', 'customer-1', { order: 5, note: 'leave the parcel at the door and ring twice' }],
        [46, 'order-6', 'customer-0', { order: 6, note: 'leave the parcel at the door and ring twice' }],
      ]);
    });

    it('refuses a batch compressed with a codec it does not know, rather than skip its messages', () => {
      // Prepare: as a later version might write it
      const stored = { ...toStoredBatch(batchOfOrders(20)), c: 'zstd' };

      // Act and assess
      expect(() => batchOf(stored)).toThrow(StorageError);
      expect(() => batchOf(stored)).toThrow(/"zstd", which this version of Conveyor cannot read/);
    });
  });
});
