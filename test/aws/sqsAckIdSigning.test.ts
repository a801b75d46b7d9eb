import { AckIdSigner } from '../../src/adapters/aws/sqs/AckIdSigner.js';
import { decodeAckId, encodeAckId, type SqsAckId } from '../../src/adapters/aws/sqs/ackIds.js';
import { SqsSubscriptionQueues } from '../../src/adapters/aws/SqsSubscriptionQueues.js';
import { AckFailure } from '../../src/domain/constants.js';
import { ErrorCode, UnavailableError } from '../../src/domain/errors.js';
import type { Delivery, Message, Subscription } from '../../src/domain/types.js';
import { ackIdSigner, labelsOf, messagesOf, streamRecords, subscriptionOf, topicNamed, useSqsWorld } from './sqsFixtures.js';

const orders = topicNamed('orders');

/** The parts of an ack id this world signed. */
function partsOf(delivery: Delivery): SqsAckId {
  const parts = decodeAckId(delivery.ackId, ackIdSigner);
  if (parts === null) throw new Error(`the adapter made an ack id it cannot read: ${delivery.ackId}`);
  return parts;
}

/** What a client would send after editing fields of a genuine ack id: the new fields under the old signature. */
function forge(delivery: Delivery, changes: Partial<SqsAckId>): string {
  const [, signature] = delivery.ackId.split('.');
  const [header, , receiptHandle] = encodeAckId({ ...partsOf(delivery), ...changes }, ackIdSigner).split('.');
  return `${header}.${signature}.${receiptHandle}`;
}

describe('Class: SqsSubscriptionQueues (signed ack ids)', () => {
  const world = useSqsWorld(orders);
  let nextOffset = 0;

  const subscribe = async (name: string, settings: Partial<Subscription> = {}): Promise<Subscription> => {
    const subscription = subscriptionOf(orders, name, settings);
    await world().adapters.resources.provision(subscription);
    world().catalog.subscriptions.push(subscription);
    return subscription;
  };
  const publish = async (labels: readonly string[]): Promise<Message[]> => {
    const messages = messagesOf(orders, labels, {}, nextOffset);
    nextOffset += labels.length;
    world().log.add(messages);
    expect(await world().adapters.relay.handle(streamRecords(orders, messages))).toEqual({ batchItemFailures: [] });
    await world().adapters.unpackAll(); // the unpacker's part: the packs in the inbox into the queues
    return messages;
  };
  const receive = (subscription: Subscription): Promise<Delivery[]> => world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 });
  const counts = async (subscription: Subscription): Promise<Record<string, number>> => {
    const { oldestUnackedAgeSeconds: _age, ...rest } = await world().adapters.queues.stats(subscription);
    return rest;
  };
  /** Two leased messages, `first` and `second`, of a subscription that dead-letters on the third attempt. */
  const twoLeases = async (): Promise<{ worker: Subscription; first: Delivery; second: Delivery }> => {
    const worker = await subscribe('worker', { maxDeliveries: 3 });
    await publish(['first', 'second']);
    const deliveries = await receive(worker);
    expect(labelsOf(deliveries)).toEqual(['first', 'second']);
    const [first, second] = deliveries as [Delivery, Delivery];
    return { worker, first, second };
  };

  const forgeries = [
    { case: 'another offset', forged: (first: Delivery, second: Delivery) => forge(first, { offset: partsOf(second).offset }) },
    { case: 'another partition', forged: (first: Delivery) => forge(first, { partition: partsOf(first).partition + 1 }) },
    { case: 'the last attempt', forged: (first: Delivery) => forge(first, { attempt: 3 }) },
    { case: 'a later receive time', forged: (first: Delivery) => forge(first, { receivedAt: partsOf(first).receivedAt + 3_600_000 }) },
    { case: 'the receipt handle of another message', forged: (first: Delivery, second: Delivery) => forge(first, { receiptHandle: partsOf(second).receiptHandle }) },
    { case: 'a signature of another key', forged: (first: Delivery) => encodeAckId(partsOf(first), new AckIdSigner(Buffer.alloc(32, 9))) },
  ];

  describe('Method: ack', () => {
    it.each(forgeries)('reports an ack id edited to $case as InvalidAckId, deletes nothing, and still acks the genuine id', async ({ forged: forgedOf }) => {
      // Prepare
      const { worker, first, second } = await twoLeases();
      const forged = forgedOf(first, second);

      // Act
      const refused = await world().adapters.queues.ack(worker, [forged]);
      const countsAfterForgery = await counts(worker);
      const genuine = await world().adapters.queues.ack(worker, [first.ackId, second.ackId]);

      // Assess
      expect(refused).toEqual({ acked: 0, failed: [{ ackId: forged, code: AckFailure.InvalidAckId }] });
      expect(countsAfterForgery).toEqual({ backlog: 0, inFlight: 2, delayed: 0, deadLetters: 0 });
      expect(genuine).toEqual({ acked: 2, failed: [] });
      expect(await counts(worker)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 0 });
    });
  });

  describe('Method: nack', () => {
    it.each(forgeries)('reports an ack id edited to $case as InvalidAckId and dead-letters nothing', async ({ forged: forgedOf }) => {
      // Prepare
      const { worker, first, second } = await twoLeases();
      const forged = forgedOf(first, second);

      // Act
      const outcome = await world().adapters.queues.nack(worker, [forged], 0, 'forged');

      // Assess
      expect(outcome).toEqual({ acked: 0, failed: [{ ackId: forged, code: AckFailure.InvalidAckId }] });
      expect(await counts(worker)).toEqual({ backlog: 0, inFlight: 2, delayed: 0, deadLetters: 0 });
      expect(world().telemetry.deadLetters).toBe(0);
    });
  });

  describe('Method: extend', () => {
    it('reports an ack id edited to a later receive time as InvalidAckId and leaves the lease as it was', async () => {
      // Prepare
      const { worker, first } = await twoLeases();
      const forged = forge(first, { receivedAt: partsOf(first).receivedAt + 3_600_000 });

      // Act
      const outcome = await world().adapters.queues.extend(worker, [forged], 600);
      await world().clock.advance(31_000);
      const afterTheDeadline = await receive(worker);

      // Assess
      expect(outcome).toEqual({ acked: 0, failed: [{ ackId: forged, code: AckFailure.InvalidAckId }] });
      expect(labelsOf(afterTheDeadline).sort()).toEqual(['first', 'second']);
    });
  });

  describe('Method: receive', () => {
    it('takes no lease when the key cannot be read, and answers Unavailable', async () => {
      // Prepare
      const worker = await subscribe('worker');
      await publish(['waiting']);
      const keyless = new SqsSubscriptionQueues(world().adapters.directory, world().log.source, () => Promise.reject(new UnavailableError('no key (test)')), world().clock);

      // Act
      const attempt = keyless.receive(worker, { max: 10, waitMs: 0 });

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: ErrorCode.Unavailable });
      expect(await counts(worker)).toEqual({ backlog: 1, inFlight: 0, delayed: 0, deadLetters: 0 });
    });
  });
});
