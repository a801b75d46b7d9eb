import { decodeAckId, encodeAckId, subscriptionTag, type SqsAckId } from '../../src/adapters/aws/sqs/ackIds.js';
import { packBatches } from '../../src/adapters/aws/sqs/batchEntries.js';
import { rulePattern } from '../../src/adapters/aws/sqs/eventPattern.js';
import { fifoGroupId, relayDeduplicationId } from '../../src/adapters/aws/sqs/fifo.js';
import { deadLetterAttributes, decodeQueueBody, encodeQueuedMessage, readDeadLetterInfo } from '../../src/adapters/aws/sqs/queueMessages.js';
import type { Message } from '../../src/domain/types.js';

/** A receipt handle as real SQS makes them: base64 text, a few hundred characters. */
const SQS_HANDLE = `AQEB${'wJnKyrHigUMZj6rYigCgxlaS3SLy0a+/='.repeat(10)}`;

const parts: SqsAckId = { subscriptionTag: 'a1b2c3d4', attempt: 3, receivedAt: 1_767_225_600_000, partition: 7, offset: 123_456_789, receiptHandle: SQS_HANDLE };

const message: Message = {
  id: 'order-1',
  topic: 'orders',
  partition: 1,
  offset: 42,
  key: 'customer-9',
  body: { total: 12.5, items: ['a', 'b'] },
  attributes: { region: 'eu' },
  publishedAt: '2026-01-03T00:00:00.123Z',
};

describe('SQS encodings', () => {
  describe('Function: encodeAckId / decodeAckId', () => {
    it('gives back every part it encoded', () => {
      // Act
      const decoded = decodeAckId(encodeAckId(parts));

      // Assess
      expect(decoded).toEqual(parts);
    });

    it('keeps a moto-sized ack id within the API’s 256 characters', () => {
      // Act
      const ackId = encodeAckId({ ...parts, receiptHandle: 'x'.repeat(185) });

      // Assess
      expect(ackId.length).toBeLessThanOrEqual(256);
    });

    it.each([
      { case: 'an empty string', ackId: '' },
      { case: 'no receipt handle', ackId: encodeAckId(parts).split('.')[0] ?? '' },
      { case: 'a header that is not base64url', ackId: `!!!.${SQS_HANDLE}` },
      { case: 'a header of another layout', ackId: `${Buffer.from('2deadbeef.1.2.3.4').toString('base64url')}.${SQS_HANDLE}` },
      { case: 'a receipt handle with spaces', ackId: `${encodeAckId(parts).split('.')[0] ?? ''}.not a handle` },
      { case: 'something far too long', ackId: `${encodeAckId(parts)}${'A'.repeat(2000)}` },
    ])('answers null for $case', ({ ackId }) => {
      // Act
      const decoded = decodeAckId(ackId);

      // Assess
      expect(decoded).toBeNull();
    });

    it('tags subscriptions by topic, name and creation time', () => {
      // Prepare
      const subscription = { topic: 'orders', name: 'billing', createdAt: '2026-01-01T00:00:00.000Z' };

      // Act
      const tags = [subscription, { ...subscription, name: 'shipping' }, { ...subscription, createdAt: '2026-01-02T00:00:00.000Z' }].map(subscriptionTag);

      // Assess
      expect(tags[0]).toMatch(/^[0-9a-f]{8}$/);
      expect(new Set(tags).size).toBe(3);
    });
  });

  describe('Function: decodeQueueBody', () => {
    it('reads a queued message sent straight to a queue', () => {
      // Act
      const decoded = decodeQueueBody(encodeQueuedMessage(message));

      // Assess
      expect(decoded).toEqual(message);
    });

    it('reads the detail of the whole EventBridge event a rule delivers', () => {
      // Prepare
      const event = { version: '0', id: 'e-1', 'detail-type': 'orders', source: 'conveyor', time: '2026-01-03T00:00:00Z', region: 'us-east-1', resources: [], detail: JSON.parse(encodeQueuedMessage(message)) };

      // Act
      const decoded = decodeQueueBody(JSON.stringify(event));

      // Assess
      expect(decoded).toEqual(message);
    });

    it.each([
      { case: 'text that is not JSON', body: 'hello' },
      { case: 'an event of another source', body: JSON.stringify({ source: 'aws.s3', detail: {} }) },
      { case: 'a message without its filterable part', body: JSON.stringify({ id: 'x', topic: 't', partition: 0, offset: 0, publishedAt: 'now' }) },
      { case: 'attributes that are not strings', body: JSON.stringify({ ...JSON.parse(encodeQueuedMessage(message)), filterable: { key: null, attributes: { n: 1 }, body: null } }) },
    ])('answers null for $case', ({ body }) => {
      // Act
      const decoded = decodeQueueBody(body);

      // Assess
      expect(decoded).toBeNull();
    });
  });

  describe('Functions: deadLetterAttributes / readDeadLetterInfo', () => {
    it('records attempts, time and reason, and reads them back', () => {
      // Prepare
      const info = { attempts: 5, deadLetteredAt: 1_767_225_600_123, lastError: 'card declined' };

      // Act
      const read = readDeadLetterInfo(deadLetterAttributes(info), { attempts: 0, deadLetteredAt: 0, lastError: 'fallback' });

      // Assess
      expect(read).toEqual(info);
    });

    it('leaves out an absent reason (SQS refuses empty attributes) and reads it back as null', () => {
      // Act
      const attributes = deadLetterAttributes({ attempts: 1, deadLetteredAt: 1, lastError: null });

      // Assess
      expect(Object.keys(attributes).sort()).toEqual(['conveyor.attempts', 'conveyor.deadLetteredAt']);
      expect(readDeadLetterInfo(attributes, { attempts: 0, deadLetteredAt: 0, lastError: null }).lastError).toBeNull();
    });
  });

  describe('Function: packBatches', () => {
    it('fills batches up to the entry count and byte size, in order', () => {
      // Act
      const batches = packBatches([4, 4, 4, 9, 1, 1], { maxEntries: 3, maxBytes: 10, sizeOf: (size) => size });

      // Assess
      expect(batches).toEqual([[4, 4, 1], [4, 1], [9]]);
    });

    it('never puts two entries of a group in one batch, nor a later one ahead of an earlier one', () => {
      // Prepare
      const entries = ['A1', 'A2', 'B1', 'A3', 'C1', 'B2'];

      // Act
      const batches = packBatches(entries, { maxEntries: 10, groupOf: (entry) => entry[0] });

      // Assess
      expect(batches).toEqual([
        ['A1', 'B1', 'C1'],
        ['A2', 'B2'],
        ['A3'],
      ]);
    });

    it('gives an entry larger than the byte limit a batch of its own', () => {
      // Act
      const batches = packBatches([50, 2], { maxEntries: 10, maxBytes: 10, sizeOf: (size) => size });

      // Assess
      expect(batches).toEqual([[50], [2]]);
    });
  });

  describe('FIFO ids and the rule pattern', () => {
    it.each([
      { case: 'a key SQS takes as it is', key: 'customer-9', expected: 'customer-9' },
      { case: 'no key: the message id, a group of its own', key: null, expected: 'id:order-1' },
      { case: 'a key beyond ASCII: its digest', key: 'клиент', expected: expect.stringMatching(/^#[0-9a-f]{64}$/) },
      { case: 'a key over 128 characters: its digest', key: 'k'.repeat(129), expected: expect.stringMatching(/^#[0-9a-f]{64}$/) },
    ])('groups by $case', ({ key, expected }) => {
      // Act
      const group = fifoGroupId({ ...message, key });

      // Assess
      expect(group).toEqual(expected);
    });

    it('deduplicates the relay’s copies by topic incarnation and log position', () => {
      // Prepare
      const topic = { name: 'orders', createdAt: '2026-01-01T00:00:00.000Z' };

      // Act
      const ids = [relayDeduplicationId(topic, message), relayDeduplicationId(topic, message), relayDeduplicationId({ ...topic, createdAt: '2026-02-01T00:00:00.000Z' }, message)];

      // Assess
      expect(ids[0]).toBe(ids[1]);
      expect(ids[2]).not.toBe(ids[0]);
      expect(ids[0]).toMatch(/^orders\.[0-9a-f]{8}:1:42$/);
    });

    it('matches a subscription’s filter against the detail’s filterable part, and every event of the topic without one', () => {
      // Act
      const filtered = JSON.parse(rulePattern({ topic: 'orders', filter: { key: ['vip'] } }));
      const unfiltered = JSON.parse(rulePattern({ topic: 'orders', filter: null }));

      // Assess
      expect(filtered).toEqual({ source: ['conveyor'], 'detail-type': ['orders'], detail: { filterable: { key: ['vip'] } } });
      expect(unfiltered).toEqual({ source: ['conveyor'], 'detail-type': ['orders'] });
    });
  });
});
