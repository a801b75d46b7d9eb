import { SqsSubscriptionQueues } from '../../src/adapters/aws/SqsSubscriptionQueues.js';
import { AckFailure } from '../../src/domain/constants.js';
import { ErrorCode } from '../../src/domain/errors.js';
import type { Delivery, Message, Subscription } from '../../src/domain/types.js';
import { largeMessagesOf, SMALL_BUDGET, storedBytesOf } from './largeMessages.js';
import {
  ackIdSigner,
  buildAdapters,
  InMemoryLog,
  labelsOf,
  messagesOf,
  SECOND,
  streamRecords,
  subscriptionOf,
  topicNamed,
  useSqsWorld,
} from './sqsFixtures.js';

const orders = topicNamed('orders');

describe('Class: SqsSubscriptionQueues', () => {
  const world = useSqsWorld(orders);

  /** A provisioned subscription of `orders`, known to the relay. */
  const subscribe = async (name: string, settings: Partial<Subscription> = {}): Promise<Subscription> => {
    const subscription = subscriptionOf(orders, name, settings);
    await world().adapters.resources.provision(subscription);
    world().catalog.subscriptions.push(subscription);
    return subscription;
  };
  /** Appends messages to the world().log and relays their stream records (through EventBridge for unordered subscriptions). */
  const publish = async (labels: readonly string[], fields: Partial<Message> = {}): Promise<Message[]> => {
    const messages = messagesOf(orders, labels, fields, nextOffset);
    nextOffset += labels.length;
    world().log.add(messages);
    expect(await world().adapters.relay.handle(streamRecords(orders, messages))).toEqual({ batchItemFailures: [] });
    await world().adapters.unpackAll(); // the unpacker's part: the packs in the inbox into the queues
    return messages;
  };
  let nextOffset = 0;
  const receive = (subscription: Subscription, max = 10): Promise<Delivery[]> => world().adapters.queues.receive(subscription, { max, waitMs: 0 });
  const receiveOne = async (subscription: Subscription): Promise<Delivery> => {
    const deliveries = await receive(subscription);
    if (deliveries.length !== 1) throw new Error(`expected one delivery, got ${deliveries.length}`);
    return deliveries[0] as Delivery;
  };
  const counts = async (subscription: Subscription): Promise<Record<string, number>> => {
    const { oldestUnackedAgeSeconds: _age, ...rest } = await world().adapters.queues.stats(subscription);
    return rest;
  };

  describe('Method: receive', () => {
    it('leases up to max messages, oldest first, each on its first attempt', async () => {
      // Prepare
      const worker = await subscribe('worker');
      await publish(['m1', 'm2', 'm3', 'm4', 'm5']);

      // Act
      const first = await receive(worker, 3);
      const rest = await receive(worker, 3);

      // Assess
      expect(labelsOf(first)).toEqual(['m1', 'm2', 'm3']);
      expect(labelsOf(rest)).toEqual(['m4', 'm5']);
      expect([...first, ...rest].map((delivery) => delivery.deliveryAttempt)).toEqual([1, 1, 1, 1, 1]);
    });

    it('delivers the message as published, with its world().log position and the lease it was given', async () => {
      // Prepare
      const worker = await subscribe('worker', { ackDeadlineSeconds: 45 });
      const [published] = await publish(['full'], { key: 'k-1', attributes: { region: 'eu' }, partition: 2 });

      // Act
      const { ackId, deliveryAttempt, leaseSeconds, ...delivered } = await receiveOne(worker);

      // Assess
      expect(delivered).toEqual(published);
      expect(deliveryAttempt).toBe(1);
      expect(leaseSeconds).toBe(45);
      expect(typeof ackId).toBe('string');
    });

    it('keeps receiving past SQS’s ten messages per call until max', async () => {
      // Prepare
      const worker = await subscribe('worker');
      await publish(Array.from({ length: 12 }, (_, index) => `m${index + 1}`));

      // Act
      const delivered = await receive(worker, 11);

      // Assess
      expect(delivered).toHaveLength(11);
      expect(new Set(delivered.map((delivery) => delivery.id)).size).toBe(11);
    });

    it('waits for a message published while it long-polls', async () => {
      // Prepare
      const worker = await subscribe('worker');
      const waiting = world().adapters.queues.receive(worker, { max: 10, waitMs: 10 * SECOND });
      await new Promise((resolve) => setTimeout(resolve, 300));

      // Act
      await publish(['awaited']);

      // Assess
      expect(labelsOf(await waiting)).toEqual(['awaited']);
    });

    it('leases nothing for a caller that has gone already', async () => {
      // Prepare
      const worker = await subscribe('worker');
      await publish(['for-someone-else']);
      const gone = new AbortController();
      gone.abort();

      // Act
      const delivered = await world().adapters.queues.receive(worker, { max: 10, waitMs: 0 }, gone.signal);

      // Assess
      expect(delivered).toEqual([]);
      expect(labelsOf(await receive(worker)).map((label) => label)).toEqual(['for-someone-else']);
    });

    it('answers SubscriptionNotFound when the subscription’s queue does not exist', async () => {
      // Prepare
      const never = subscriptionOf(orders, 'never-provisioned');

      // Act
      const attempt = receive(never);

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: ErrorCode.SubscriptionNotFound });
    });
  });

  describe('Method: receive (byte budget)', () => {
    /** This world's queues with the smallest budget an operator can set. */
    const budgeted = (): SqsSubscriptionQueues =>
      new SqsSubscriptionQueues(world().adapters.directory, world().log.source, async () => ackIdSigner, world().clock, world().telemetry, SMALL_BUDGET);
    const publishLarge = async (labels: readonly string[]): Promise<void> => {
      const messages = largeMessagesOf(orders, labels, nextOffset);
      nextOffset += labels.length;
      world().log.add(messages);
      expect(await world().adapters.relay.handle(streamRecords(orders, messages))).toEqual({ batchItemFailures: [] });
      await world().adapters.unpackAll(); // the unpacker's part: the packs in the inbox into the queues
    };

    it('receives no more than the budget holds, and the rest comes later on its first attempt', async () => {
      // Prepare
      const worker = await subscribe('worker');
      await publishLarge(['b1', 'b2', 'b3', 'b4', 'b5']);
      const queues = budgeted();

      // Act
      const first = await queues.receive(worker, { max: 10, waitMs: 0 });
      const later: Delivery[] = [];
      for (let batch = await queues.receive(worker, { max: 10, waitMs: 0 }); batch.length > 0; batch = await queues.receive(worker, { max: 10, waitMs: 0 })) {
        expect(storedBytesOf(batch)).toBeLessThanOrEqual(SMALL_BUDGET);
        later.push(...batch);
      }

      // Assess: a message received beyond the budget and given back would come again on attempt 2
      expect(first).toHaveLength(2);
      expect(storedBytesOf(first)).toBeLessThanOrEqual(SMALL_BUDGET);
      expect(later.map((delivery) => delivery.deliveryAttempt)).toEqual([1, 1, 1]);
      expect(labelsOf([...first, ...later]).sort()).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    });
  });

  describe('Method: ack', () => {
    it('counts the acked deliveries, which are not delivered again', async () => {
      // Prepare
      const worker = await subscribe('worker', { ackDeadlineSeconds: 10 });
      await publish(['a', 'b']);
      const deliveries = await receive(worker);

      // Act
      const outcome = await world().adapters.queues.ack(worker, deliveries.map((delivery) => delivery.ackId));

      // Assess
      expect(outcome).toEqual({ acked: 2, failed: [] });
      await world().clock.advance(11 * SECOND);
      expect(await receive(worker)).toEqual([]);
      expect(await counts(worker)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 0 });
    });

    it.each([
      { case: 'garbage', ackIdOf: () => 'not-an-ack-id' },
      { case: 'a truncated ack id', ackIdOf: (delivery: Delivery) => delivery.ackId.slice(0, 20) },
      { case: 'an ack id with its header tampered with', ackIdOf: (delivery: Delivery) => `x${delivery.ackId}` },
    ])('reports $case as InvalidAckId and still acks the valid ones', async ({ ackIdOf }) => {
      // Prepare
      const worker = await subscribe('worker');
      await publish(['real']);
      const delivery = await receiveOne(worker);
      const bad = ackIdOf(delivery);

      // Act
      const outcome = await world().adapters.queues.ack(worker, [bad, delivery.ackId]);

      // Assess
      expect(outcome).toEqual({ acked: 1, failed: [{ ackId: bad, code: AckFailure.InvalidAckId }] });
    });

    it('reports an ack id of another subscription as InvalidAckId and leaves that lease alone', async () => {
      // Prepare
      const mine = await subscribe('mine');
      const theirs = await subscribe('theirs');
      await publish(['shared']);
      const theirDelivery = await receiveOne(theirs);

      // Act
      const outcome = await world().adapters.queues.ack(mine, [theirDelivery.ackId]);

      // Assess
      expect(outcome).toEqual({ acked: 0, failed: [{ ackId: theirDelivery.ackId, code: AckFailure.InvalidAckId }] });
      expect(await counts(theirs)).toEqual({ backlog: 0, inFlight: 1, delayed: 0, deadLetters: 0 });
      expect(await counts(mine)).toEqual({ backlog: 1, inFlight: 0, delayed: 0, deadLetters: 0 });
    });

    it('reports an ack id of a deleted subscription as InvalidAckId on the one re-created under its name', async () => {
      // Prepare
      const first = await subscribe('worker');
      await publish(['first']);
      const delivery = await receiveOne(first);
      await world().adapters.resources.destroy(first);
      const recreated = await subscribe('worker', { createdAt: '2026-01-05T00:00:00.000Z' });

      // Act
      const outcome = await world().adapters.queues.ack(recreated, [delivery.ackId]);

      // Assess
      expect(outcome).toEqual({ acked: 0, failed: [{ ackId: delivery.ackId, code: AckFailure.InvalidAckId }] });
    });

    it('reports an ack id given twice in one request as InvalidAckId the second time', async () => {
      // Prepare
      const worker = await subscribe('worker');
      await publish(['once']);
      const delivery = await receiveOne(worker);

      // Act
      const outcome = await world().adapters.queues.ack(worker, [delivery.ackId, delivery.ackId]);

      // Assess
      expect(outcome).toEqual({ acked: 1, failed: [{ ackId: delivery.ackId, code: AckFailure.InvalidAckId }] });
    });

    it('counts an ack id used already as acked, as SQS’s DeleteMessage answers it (the message stays deleted)', async () => {
      // Prepare
      const worker = await subscribe('worker');
      await publish(['once']);
      const delivery = await receiveOne(worker);
      await world().adapters.queues.ack(worker, [delivery.ackId]);

      // Act
      const outcome = await world().adapters.queues.ack(worker, [delivery.ackId]);

      // Assess
      expect(outcome).toEqual({ acked: 1, failed: [] });
      expect(await counts(worker)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 0 });
    });
  });

  describe('Method: nack', () => {
    it('redelivers a nacked message only after the retry backoff, as its next attempt', async () => {
      // Prepare
      const worker = await subscribe('worker', { retryBackoff: { minSeconds: 30, maxSeconds: 60 } });
      await publish(['flaky']);
      const delivery = await receiveOne(worker);

      // Act
      const outcome = await world().adapters.queues.nack(worker, [delivery.ackId], undefined, undefined);
      await world().clock.advance(29 * SECOND);
      const tooEarly = await receive(worker);
      await world().clock.advance(2 * SECOND);
      const later = await receiveOne(worker);

      // Assess
      expect(outcome).toEqual({ acked: 1, failed: [] });
      expect(tooEarly).toEqual([]);
      expect([later.id, later.deliveryAttempt]).toEqual([delivery.id, 2]);
      expect(later.ackId).not.toBe(delivery.ackId);
    });

    it('backs off exponentially with the attempt: 2 s after the first failure, 4 s after the second', async () => {
      // Prepare
      const worker = await subscribe('worker', { retryBackoff: { minSeconds: 2, maxSeconds: 60 } });
      await publish(['unlucky']);
      const first = await receiveOne(worker);
      await world().adapters.queues.nack(worker, [first.ackId], undefined, undefined);
      await world().clock.advance(2 * SECOND + 100);
      const second = await receiveOne(worker);

      // Act
      await world().adapters.queues.nack(worker, [second.ackId], undefined, undefined);
      await world().clock.advance(3 * SECOND);
      const afterThree = await receive(worker);
      await world().clock.advance(1 * SECOND + 100);
      const third = await receiveOne(worker);

      // Assess
      expect(afterThree).toEqual([]);
      expect(third.deliveryAttempt).toBe(3);
    });

    it('redelivers at once when nacked with a delay of 0', async () => {
      // Prepare
      const worker = await subscribe('worker', { retryBackoff: { minSeconds: 30, maxSeconds: 60 } });
      await publish(['retry-me']);
      const delivery = await receiveOne(worker);

      // Act
      await world().adapters.queues.nack(worker, [delivery.ackId], 0, undefined);
      await new Promise((resolve) => setTimeout(resolve, 5)); // SQS's "visible" means after the moment of the change
      const again = await receiveOne(worker);

      // Assess
      expect([again.id, again.deliveryAttempt]).toEqual([delivery.id, 2]);
    });

    it('dead-letters a message nacked on its last attempt at once, with the reason, attempts and time', async () => {
      // Prepare
      const worker = await subscribe('worker', { maxDeliveries: 2 });
      const [published] = await publish(['poison'], { key: 'card-42', attributes: { type: 'charge' } });
      const first = await receiveOne(worker);
      await world().adapters.queues.nack(worker, [first.ackId], 0, 'declined (1)');
      await new Promise((resolve) => setTimeout(resolve, 5));
      const last = await receiveOne(worker);
      const before = world().clock.now();

      // Act
      const outcome = await world().adapters.queues.nack(worker, [last.ackId], undefined, 'declined (2)');

      // Assess
      expect(outcome).toEqual({ acked: 1, failed: [] });
      expect(await receive(worker)).toEqual([]);
      const [letter, ...others] = await world().adapters.deadLetters.list(worker, 10);
      expect(others).toEqual([]);
      expect(letter).toMatchObject({ ...published, deliveryAttempt: 2, lastError: 'declined (2)' });
      expect(Date.parse(letter?.deadLetteredAt ?? '')).toBeGreaterThanOrEqual(before);
      expect(world().telemetry.deadLetters).toBe(1);
      expect(await counts(worker)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 1 });
    });

    it('leaves a spent message whose world().log entry is gone to the next receive, which dead-letters it without a reason', async () => {
      // Prepare: the message went out of the log's retention
      const worker = await subscribe('worker', { maxDeliveries: 1 });
      await publish(['expired']);
      const delivery = await receiveOne(worker);
      const forgetful = buildAdapters(world().emulator, { catalog: world().catalog, log: new InMemoryLog(), clock: world().clock, telemetry: world().telemetry });

      // Act
      const outcome = await forgetful.queues.nack(worker, [delivery.ackId], undefined, 'lost');
      await new Promise((resolve) => setTimeout(resolve, 5));
      const next = await receive(worker);
      forgetful.clients.destroy();

      // Assess
      expect(outcome).toEqual({ acked: 1, failed: [] });
      expect(next).toEqual([]);
      expect((await world().adapters.deadLetters.list(worker, 10)).map(({ deliveryAttempt, lastError }) => ({ deliveryAttempt, lastError }))).toEqual([
        { deliveryAttempt: 1, lastError: null },
      ]);
    });
  });

  describe('Method: extend', () => {
    it('keeps an extended lease past the original deadline', async () => {
      // Prepare
      const worker = await subscribe('worker', { ackDeadlineSeconds: 10 });
      await publish(['long-job']);
      const delivery = await receiveOne(worker);

      // Act
      const extended = await world().adapters.queues.extend(worker, [delivery.ackId], 60);
      await world().clock.advance(30 * SECOND);

      // Assess
      expect(extended).toEqual({ acked: 1, failed: [] });
      expect(await receive(worker)).toEqual([]);
      expect(await world().adapters.queues.ack(worker, [delivery.ackId])).toEqual({ acked: 1, failed: [] });
    });

    it('ends a lease at once when extended by 0 seconds', async () => {
      // Prepare
      const worker = await subscribe('worker');
      await publish(['give-back']);
      const delivery = await receiveOne(worker);

      // Act
      const extended = await world().adapters.queues.extend(worker, [delivery.ackId], 0);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const again = await receiveOne(worker);

      // Assess
      expect(extended).toEqual({ acked: 1, failed: [] });
      expect([again.id, again.deliveryAttempt]).toEqual([delivery.id, 2]);
    });

    it('reports the ack id of an acked message as InvalidAckId', async () => {
      // Prepare
      const worker = await subscribe('worker');
      await publish(['done']);
      const delivery = await receiveOne(worker);
      await world().adapters.queues.ack(worker, [delivery.ackId]);

      // Act
      const outcome = await world().adapters.queues.extend(worker, [delivery.ackId], 60);

      // Assess
      expect(outcome).toEqual({ acked: 0, failed: [{ ackId: delivery.ackId, code: AckFailure.InvalidAckId }] });
    });
  });

  describe('lease expiry', () => {
    it('redelivers a message whose lease expired, as its next attempt', async () => {
      // Prepare
      const worker = await subscribe('worker', { ackDeadlineSeconds: 10 });
      await publish(['slow']);
      const first = await receiveOne(worker);

      // Act
      await world().clock.advance(9 * SECOND);
      const during = await receive(worker);
      await world().clock.advance(2 * SECOND);
      const after = await receiveOne(worker);

      // Assess
      expect(during).toEqual([]);
      expect([after.id, after.deliveryAttempt]).toEqual([first.id, 2]);
    });

    it('dead-letters a message whose lease expired maxDeliveries times on the next receive, and delivers the rest', async () => {
      // Prepare
      const worker = await subscribe('worker', { ackDeadlineSeconds: 10, maxDeliveries: 2 });
      const [stuck] = await publish(['stuck']);
      const attempts: number[] = [];
      for (let round = 0; round < 2; round += 1) {
        attempts.push(...(await receive(worker)).map((delivery) => delivery.deliveryAttempt));
        await world().clock.advance(11 * SECOND);
      }
      await publish(['fresh']);

      // Act
      const delivered = await receive(worker);

      // Assess
      expect(attempts).toEqual([1, 2]);
      expect(labelsOf(delivered)).toEqual(['fresh']);
      const letters = await world().adapters.deadLetters.list(worker, 10);
      expect(letters.map(({ id, deliveryAttempt, lastError }) => ({ id, deliveryAttempt, lastError }))).toEqual([{ id: stuck?.id, deliveryAttempt: 2, lastError: null }]);
      expect(world().telemetry.deadLetters).toBe(1);
    });
  });

  describe('Method: requeue', () => {
    it('queues copies for this subscription only, delivered again from attempt 1', async () => {
      // Prepare
      const worker = await subscribe('worker');
      const other = await subscribe('other');
      const published = await publish(['old-1', 'old-2']);
      for (const subscription of [worker, other]) {
        const deliveries = await receive(subscription);
        await world().adapters.queues.ack(subscription, deliveries.map((delivery) => delivery.ackId));
      }

      // Act
      const queued = await world().adapters.queues.requeue(worker, published);

      // Assess
      expect(queued).toBe(2);
      const again = await receive(worker);
      expect(again.map(({ id, deliveryAttempt }) => ({ id, deliveryAttempt }))).toEqual(published.map(({ id }) => ({ id, deliveryAttempt: 1 })));
      expect(await receive(other)).toEqual([]);
    });
  });

  describe('Method: stats', () => {
    it('counts backlog, in-flight and dead letters as messages are published, pulled, acked and nacked', async () => {
      // Prepare
      const worker = await subscribe('worker', { maxDeliveries: 1 });
      await publish(['a', 'b', 'c', 'd']);
      const published = await counts(worker);

      // Act
      const [a, b, c] = await receive(worker, 3);
      const pulled = await counts(worker);
      await world().adapters.queues.ack(worker, [a?.ackId ?? '']);
      await world().adapters.queues.nack(worker, [b?.ackId ?? ''], undefined, 'dead');
      const settled = await counts(worker);

      // Assess
      expect(c).toBeDefined();
      expect(published).toEqual({ backlog: 4, inFlight: 0, delayed: 0, deadLetters: 0 });
      expect(pulled).toEqual({ backlog: 1, inFlight: 3, delayed: 0, deadLetters: 0 });
      expect(settled).toEqual({ backlog: 1, inFlight: 1, delayed: 0, deadLetters: 1 });
    });

    it('reports the age of the oldest unacked message as 0: SQS has no API for it', async () => {
      // Prepare
      const worker = await subscribe('worker');
      await publish(['waiting']);

      // Act
      const stats = await world().adapters.queues.stats(worker);

      // Assess
      expect(stats.oldestUnackedAgeSeconds).toBe(0);
    });
  });

  describe('Methods: expireLeases, nextLeaseExpiryAt', () => {
    it('leave lease expiry to SQS', async () => {
      // Act
      const expired = await world().adapters.queues.expireLeases();
      const next = await world().adapters.queues.nextLeaseExpiryAt();

      // Assess
      expect({ expired, next }).toEqual({ expired: 0, next: null });
    });
  });
});
