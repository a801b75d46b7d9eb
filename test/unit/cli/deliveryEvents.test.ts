import { DeliveryEvents, subscriptionQueueArn } from '../../../src/cli/consume/deliveryEvents.js';
import { deliveryOf } from '../../lambda/factories.js';
import { subscriptionOf } from '../../helpers/subscription.js';

const SUBSCRIPTION = subscriptionOf({ createdAt: '2025-01-01T00:00:00.000Z' });

function eventsFor(ordered: boolean): DeliveryEvents {
  return new DeliveryEvents({ topic: { name: 'orders', createdAt: '2025-01-01T00:00:00.000Z' }, subscription: { ordered }, queueArn: subscriptionQueueArn({ ...SUBSCRIPTION, ordered }, 'us-east-1') });
}

describe('Function: subscriptionQueueArn', () => {
  it.each([
    { case: 'the queue the AWS backend names', subscription: { ...SUBSCRIPTION, aws: { queueArn: 'arn:aws:sqs:eu-west-1:123456789012:conveyor-s-abc' } }, expected: /^arn:aws:sqs:eu-west-1:123456789012:conveyor-s-abc$/ },
    { case: 'the name the AWS backend would give a standard queue', subscription: SUBSCRIPTION, expected: /^arn:aws:sqs:us-east-1:000000000000:conveyor-s-[0-9a-f]{20}$/ },
    { case: 'the name the AWS backend would give a FIFO queue', subscription: { ...SUBSCRIPTION, ordered: true }, expected: /^arn:aws:sqs:us-east-1:000000000000:conveyor-s-[0-9a-f]{20}\.fifo$/ },
  ])('answers $case', ({ subscription, expected }) => {
    // Act
    const arn = subscriptionQueueArn(subscription, 'us-east-1');

    // Assess
    expect(arn).toMatch(expected);
  });
});

describe('Class: DeliveryEvents', () => {
  describe('Method: batch', () => {
    it('keeps a message its SQS message id across deliveries, as SQS does', () => {
      // Prepare
      const events = eventsFor(false);

      // Act
      const first = events.batch([deliveryOf(1, { ackId: 'lease-1' })], 0).event.Records[0];
      const again = events.batch([deliveryOf(1, { ackId: 'lease-2', deliveryAttempt: 2 })], 0).event.Records[0];

      // Assess
      expect(again?.messageId).toBe(first?.messageId);
      expect(again?.attributes.ApproximateReceiveCount).toBe('2');
    });

    it('gives a second copy of a message in one batch an id of its own, and maps each id to its ack id', () => {
      // Prepare
      const events = eventsFor(false);

      // Act
      const { event, ackIds } = events.batch([deliveryOf(1, { ackId: 'lease-1' }), deliveryOf(1, { ackId: 'lease-2' })], 0);

      // Assess
      expect(new Set(event.Records.map((record) => record.messageId)).size).toBe(2);
      expect([...ackIds.values()]).toEqual(['lease-1', 'lease-2']);
    });

    it('numbers FIFO records in increasing sequence and groups them by key, a keyless message by its id', () => {
      // Prepare
      const events = eventsFor(true);

      // Act
      const { event } = events.batch([deliveryOf(1, { key: 'customer-a' }), deliveryOf(2, { key: null })], 0);

      // Assess
      const [first, second] = event.Records;
      expect([first?.attributes.MessageGroupId, second?.attributes.MessageGroupId]).toEqual(['customer-a', 'id:order-2']);
      expect(BigInt(second?.attributes.SequenceNumber ?? '0')).toBeGreaterThan(BigInt(first?.attributes.SequenceNumber ?? '0'));
    });
  });
});
