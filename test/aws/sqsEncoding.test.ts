import { AckIdSigner } from '../../src/adapters/aws/sqs/AckIdSigner.js';
import { decodeAckId, encodeAckId, subscriptionTag, type SqsAckId } from '../../src/adapters/aws/sqs/ackIds.js';
import { packBatches } from '../../src/adapters/aws/sqs/batchEntries.js';
import { rulePattern } from '../../src/adapters/aws/sqs/eventPattern.js';
import { fifoGroupId, relayDeduplicationId } from '../../src/adapters/aws/sqs/fifo.js';
import { deadLetterAttributes, decodeQueueBody, encodeQueuedMessage, readDeadLetterInfo } from '../../src/adapters/aws/sqs/queueMessages.js';
import { AckLimits } from '../../src/domain/constants.js';
import type { Message } from '../../src/domain/types.js';

/** A receipt handle as real SQS makes them: base64 text, a few hundred characters. */
const SQS_HANDLE = `AQEB${'wJnKyrHigUMZj6rYigCgxlaS3SLy0a+/='.repeat(10)}`;

const parts: SqsAckId = { subscriptionTag: 'a1b2c3d4', attempt: 3, receivedAt: 1_767_225_600_000, partition: 7, offset: 123_456_789, receiptHandle: SQS_HANDLE };

const signer = new AckIdSigner(Buffer.from('the key of this deployment, 32+ bytes', 'utf8'));

/** A correctly signed ack id around `header`, whatever it says. */
const signedWithHeader = (header: string): string => `${header}.${signer.sign(`${header}.${SQS_HANDLE}`)}.${SQS_HANDLE}`;

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
    /** An ack id whose header and receipt handle are those of `changes`, under the genuine id's signature. */
    const altered = (changes: Partial<SqsAckId>): string => {
      const [, signature] = encodeAckId(parts, signer).split('.');
      const [header, , receiptHandle] = encodeAckId({ ...parts, ...changes }, signer).split('.');
      return `${header}.${signature}.${receiptHandle}`;
    };

    it('gives back every part it encoded', () => {
      // Act
      const decoded = decodeAckId(encodeAckId(parts, signer), signer);

      // Assess
      expect(decoded).toEqual(parts);
    });

    it('keeps an ack id with the largest fields and the longest receipt handle SQS makes within AckLimits.ackIdLength', () => {
      // Prepare
      const largest: SqsAckId = { subscriptionTag: 'ffffffff', attempt: 100, receivedAt: 8_640_000_000_000_000, partition: 1_000, offset: Number.MAX_SAFE_INTEGER, receiptHandle: 'A'.repeat(1024) };

      // Act
      const ackId = encodeAckId(largest, signer);

      // Assess
      expect(decodeAckId(ackId, signer)).toEqual(largest);
      expect(ackId.length).toBeLessThanOrEqual(AckLimits.ackIdLength);
    });

    it.each([
      { case: 'the subscription tag', changes: { subscriptionTag: 'deadbeef' } },
      { case: 'the attempt', changes: { attempt: 1 } },
      { case: 'the receive time', changes: { receivedAt: parts.receivedAt + 3_600_000 } },
      { case: 'the partition', changes: { partition: 0 } },
      { case: 'the offset', changes: { offset: parts.offset + 1 } },
      { case: 'the receipt handle', changes: { receiptHandle: `${SQS_HANDLE.slice(0, -2)}x=` } },
    ])('refuses an id with $case altered', ({ changes }) => {
      // Prepare
      const forged = altered(changes);

      // Act
      const decoded = decodeAckId(forged, signer);

      // Assess
      expect(decoded).toBeNull();
    });

    it('refuses an id signed with another deployment’s key', () => {
      // Prepare
      const ackId = encodeAckId(parts, new AckIdSigner(Buffer.alloc(32, 7)));

      // Act
      const decoded = decodeAckId(ackId, signer);

      // Assess
      expect(decoded).toBeNull();
    });

    it('accepts an id signed with the key before the last rotation', () => {
      // Prepare
      const before = new AckIdSigner(Buffer.alloc(32, 1));
      const after = new AckIdSigner(Buffer.alloc(32, 2), [Buffer.alloc(32, 1)]);

      // Act
      const decoded = decodeAckId(encodeAckId(parts, before), after);

      // Assess
      expect(decoded).toEqual(parts);
    });

    it.each([
      { case: 'an empty string', ackId: '' },
      { case: 'no receipt handle', ackId: encodeAckId(parts, signer).split('.').slice(0, 2).join('.') },
      { case: 'no signature', ackId: `${encodeAckId(parts, signer).split('.')[0] ?? ''}.${SQS_HANDLE}` },
      { case: 'an unsigned id of the first version', ackId: `${Buffer.from('1a1b2c3d4.3.1.7.1').toString('base64url')}.${SQS_HANDLE}` },
      { case: 'a header that is not base64url', ackId: `!!!.${signer.sign(`!!!.${SQS_HANDLE}`)}.${SQS_HANDLE}` },
      { case: 'a signed header of another layout', ackId: signedWithHeader(Buffer.from('2deadbeef.1.2.3').toString('base64url')) },
      { case: 'a receipt handle with spaces', ackId: `${encodeAckId(parts, signer).split('.').slice(0, 2).join('.')}.not a handle` },
      { case: 'something far too long', ackId: `${encodeAckId(parts, signer)}${'A'.repeat(2000)}` },
    ])('answers null for $case', ({ ackId }) => {
      // Act
      const decoded = decodeAckId(ackId, signer);

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
