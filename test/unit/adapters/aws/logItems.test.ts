import { BATCH_CODEC } from '../../../../src/adapters/aws/batchCompression.js';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { batchItemFromStreamImage, batchOf, messagesOf, toBatchedMessage, toBatchItem, toStoredBatch, type BatchItem } from '../../../../src/adapters/aws/logItems.js';
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
      expect(stored).toMatchObject({ p: 'orders#2', o: 40, n: 20, c: BATCH_CODEC, z: expect.any(Uint8Array) });
      expect(stored).not.toHaveProperty('m');
    });

    it('keeps the list `m` when the deployment’s compression is none, however large the batch', () => {
      // Act
      const stored = toStoredBatch(batchOfOrders(20), 'none');

      // Assess
      expect(stored).toHaveProperty('m');
      expect(stored).not.toHaveProperty('z');
    });

    it('keeps the list `m` for a batch of a few hundred bytes', () => {
      // Act
      const stored = toStoredBatch(batchOfOrders(2));

      // Assess
      expect(stored).toMatchObject({ m: [expect.anything(), expect.anything()] });
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
      if (!('z' in stored)) throw new Error('expected a compressed batch');

      // Act
      const read = batchOf({ ...stored, z: encode(stored.z) });

      // Assess
      expect(read).toEqual(batch);
      expect(messagesOf(read!, 45, 2).map((message) => [message.offset, message.id, message.key, message.body])).toEqual([
        [45, 'order-5', 'customer-1', { order: 5, note: 'leave the parcel at the door and ring twice' }],
        [46, 'order-6', 'customer-0', { order: 6, note: 'leave the parcel at the door and ring twice' }],
      ]);
    });

    it('reads the stream record of a compressed batch as a Lambda event carries it, written out by hand', () => {
      // Prepare: NewImage of a DynamoDB stream record in Lambda's JSON event (numbers as text, binary as base64)
      const image = {
        p: { S: 'orders.2026-12-05T06:00:00.000Z#0' },
        o: { N: '7' },
        n: { N: '3' },
        tp: { S: 'orders' },
        tc: { S: '2026-12-05T06:00:00.000Z' },
        part: { N: '0' },
        t: { N: '1764914400000' },
        ttl: { N: '1765000800' },
        c: { S: 'deflate' },
        z: { B: 'zc4xDoMwDIXhq1ie04Gw5SpNh6S4EBHiKjFFFeLuFbRDBQdoNz/rH77zjAENcm4onypU2KPB61iEh8/Do8HZvguLplIWEwtZNBYjuQeBdAR3l68UYQrSbTtRaDvPYwYnkMbBU4ZKQ7hBYs/NE1wqE+WittpTjGu43q0TgoapQGKBiXNvccFFfUP1HqqPUP0P0HoPrY/Q+kfQyws=' },
      };

      // Act
      const batch = batchItemFromStreamImage(image as unknown as Record<string, AttributeValue>);

      // Assess
      expect(messagesOf(batch!).map((message) => [message.offset, message.id, message.key, (message.body as { order: number }).order])).toEqual([
        [7, 'order-1', 'customer-1', 1],
        [8, 'order-2', 'customer-2', 2],
        [9, 'order-3', 'customer-3', 3],
      ]);
    });

    it('answers a batch’s offsets without decompressing its messages, and throws StorageError when they are read and cannot be', () => {
      // Prepare: a compressed batch whose bytes were damaged
      const stored = toStoredBatch(batchOfOrders(20));
      const damaged = { ...stored, z: Buffer.from('not deflate at all') };

      // Act
      const batch = batchOf(damaged);

      // Assess
      expect([batch?.o, batch?.n]).toEqual([40, 20]);
      expect(() => batch?.m).toThrow(StorageError);
      expect(() => batch?.m).toThrow(/compressed messages of log item orders#2@40 cannot be read/);
    });

    it('refuses a batch compressed with a codec it does not know, rather than skip its messages', () => {
      // Prepare: as a later version might write it
      const stored = { ...toStoredBatch(batchOfOrders(20)), c: 'zstd' };

      // Act and assess
      expect(() => batchOf(stored)?.m).toThrow(StorageError);
      expect(() => batchOf(stored)?.m).toThrow(/"zstd", which this version of Conveyor cannot read/);
    });
  });
});
