import type { Delivery } from '../../src/domain/types.js';
import { describeContract } from './harness/backends.js';
import { Difference } from './harness/differences.js';
import { publishOk } from './harness/logFixtures.js';
import { Conveyor } from './harness/Conveyor.js';
import { ackAll, addSubscription, createQueue, labelled, labelsOf, pull, type Queue, SECOND, countsOf } from './harness/queueFixtures.js';

const numbered = (count: number): string[] => Array.from({ length: count }, (_, i) => `m${i + 1}`);

/** One consumer of a competing pair: pulls batches of `max`, acks each, until the queue is empty. */
async function consume(api: Conveyor, queue: Queue, max: number): Promise<{ labels: string[]; largestBatch: number }> {
  const labels: string[] = [];
  let largestBatch = 0;
  for (;;) {
    const batch = await pull(api, queue, { max });
    if (batch.length === 0) return { labels, largestBatch };
    largestBatch = Math.max(largestBatch, batch.length);
    labels.push(...labelsOf(batch));
    await ackAll(api, queue, batch);
  }
}

async function pullOne(api: Conveyor, queue: Queue): Promise<Delivery> {
  const [delivery, ...more] = await pull(api, queue);
  if (delivery === undefined || more.length > 0) throw new Error(`expected exactly one delivery, got ${more.length + (delivery ? 1 : 0)}`);
  return delivery;
}

describeContract('Work queues', (target, backend) => {
  describe('competing consumers', () => {
    it('never leases one message to two consumers, and together they receive every message exactly once', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'competing');
      const labels = numbered(60);
      await publishOk(target().api, 'competing', labelled(labels));
      const second = new Conveyor(target().api.http.withToken(undefined));

      // Act
      const [one, two] = await Promise.all([consume(target().api, queue, 7), consume(second, queue, 7)]);

      // Assess
      const received = [...one.labels, ...two.labels];
      expect(received).toHaveLength(60);
      expect(new Set(received).size).toBe(60);
      expect([...received].sort()).toEqual([...labels].sort());
      expect(Math.max(one.largestBatch, two.largestBatch)).toBe(7);
      expect(await countsOf(target().api, queue)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 0 });
    });

    it('returns at most max messages per pull, oldest first on backends that order pulls', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'bounded');
      await publishOk(target().api, 'bounded', labelled(numbered(5)));

      // Act
      const first = await pull(target().api, queue, { max: 3 });
      const rest = await pull(target().api, queue, { max: 3 });

      // Assess
      expect(first).toHaveLength(3);
      expect(rest).toHaveLength(2);
      const labels = labelsOf(first.concat(rest));
      expect(backend.differs(Difference.UnorderedPulls) ? labels.sort() : labels).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(first.concat(rest).map((m) => m.deliveryAttempt)).toEqual([1, 1, 1, 1, 1]);
    });
  });

  describe('ack', () => {
    it('counts the acked deliveries, and they are not delivered again', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'acked');
      await publishOk(target().api, 'acked', labelled(numbered(3)));
      const deliveries = await pull(target().api, queue);

      // Act
      const response = await target().api.ack('acked', 'worker', deliveries.map((m) => m.ackId));

      // Assess
      expect(response.body).toEqual({ acked: 3, notAcked: 0, failed: [] });
      await target().advance(60 * SECOND);
      expect(await pull(target().api, queue)).toEqual([]);
    });

    backend.itUnless(Difference.UsedAckIdsAccepted)('reports an ack id that was already used as InvalidAckId', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'acked-twice');
      await publishOk(target().api, 'acked-twice', labelled(['once']));
      const delivery = await pullOne(target().api, queue);
      await ackAll(target().api, queue, [delivery]);

      // Act
      const response = await target().api.ack('acked-twice', 'worker', [delivery.ackId]);

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ acked: 0, notAcked: 1, failed: [{ ackId: delivery.ackId, code: 'InvalidAckId' }] });
    });

    it('acks the ack ids a pull carries before it leases, and answers their outcome beside the next messages', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'ack-on-pull');
      await publishOk(target().api, 'ack-on-pull', labelled(numbered(4)));
      const first = await pull(target().api, queue, { max: 2 });

      // Act
      const response = await target().api.pull('ack-on-pull', 'worker', { max: 10, ackIds: [...first.map((m) => m.ackId), 'not-an-ack-id'] });

      // Assess
      const rest = numbered(4).filter((label) => !labelsOf(first).includes(label));
      expect(response.status).toBe(200);
      expect(response.body.ack).toEqual({ acked: 2, notAcked: 1, failed: [{ ackId: 'not-an-ack-id', code: 'InvalidAckId' }] });
      expect(labelsOf(response.body.messages).sort()).toEqual(rest);
      await target().advance(60 * SECOND);
      expect(labelsOf(await pull(target().api, queue, { max: 10 })).sort()).toEqual(rest);
    });

    it('answers a pull without ack ids with its messages alone', async () => {
      // Prepare
      await createQueue(target().api, 'plain-pull');
      await publishOk(target().api, 'plain-pull', labelled(['only']));

      // Act
      const response = await target().api.pull('plain-pull', 'worker', {});

      // Assess
      expect(Object.keys(response.body)).toEqual(['messages']);
      expect(labelsOf(response.body.messages)).toEqual(['only']);
    });

    it('reports a garbage ack id as InvalidAckId and still acks the valid ones', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'garbage');
      await publishOk(target().api, 'garbage', labelled(['real']));
      const delivery = await pullOne(target().api, queue);

      // Act
      const response = await target().api.ack('garbage', 'worker', ['not-an-ack-id', delivery.ackId]);

      // Assess
      expect(response.body).toEqual({ acked: 1, notAcked: 1, failed: [{ ackId: 'not-an-ack-id', code: 'InvalidAckId' }] });
    });

    it.each([
      { operation: 'ack', send: (api: Conveyor, topic: string, ids: string[]) => api.ack(topic, 'worker', ids) },
      { operation: 'nack', send: (api: Conveyor, topic: string, ids: string[]) => api.nack(topic, 'worker', ids) },
      { operation: 'extend', send: (api: Conveyor, topic: string, ids: string[]) => api.extend(topic, 'worker', ids, 30) },
    ])('answers $operation of ack ids that did nothing with 200, counting them in notAcked beside acked', async ({ operation, send }) => {
      // Prepare
      const queue = await createQueue(target().api, `placeholder-${operation}`);
      await publishOk(target().api, queue.topic, labelled(['real']));
      const delivery = await pullOne(target().api, queue);

      // Act
      const response = await send(target().api, queue.topic, ['<ackId from the pull>', delivery.ackId, 'another-placeholder']);

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        acked: 1,
        notAcked: 2,
        failed: [
          { ackId: '<ackId from the pull>', code: 'InvalidAckId' },
          { ackId: 'another-placeholder', code: 'InvalidAckId' },
        ],
      });
    });

    it('reports an ack id of another subscription as InvalidAckId and leaves that lease alone', async () => {
      // Prepare
      const mine = await createQueue(target().api, 'two-subs', {}, 'mine');
      const theirs = await addSubscription(target().api, { topic: 'two-subs', subscription: 'theirs' });
      await publishOk(target().api, 'two-subs', labelled(['shared']));
      const theirDelivery = await pullOne(target().api, theirs);

      // Act
      const response = await target().api.ack('two-subs', 'mine', [theirDelivery.ackId]);

      // Assess
      expect(response.body).toEqual({ acked: 0, notAcked: 1, failed: [{ ackId: theirDelivery.ackId, code: 'InvalidAckId' }] });
      expect(await countsOf(target().api, theirs)).toEqual({ backlog: 0, inFlight: 1, delayed: 0, deadLetters: 0 });
      expect(await countsOf(target().api, mine)).toEqual({ backlog: 1, inFlight: 0, delayed: 0, deadLetters: 0 });
    });
  });

  describe('leases', () => {
    backend.itUnless(Difference.NoBackoffAfterLeaseExpiry)('redelivers an unacked message after the ack deadline and the retry backoff, with a new ack id', async () => {
      // Prepare: the lease ends after 10 s, the first retry waits the default 1 s backoff; only `advance` moves the clock
      target().clock.freeze();
      const queue = await createQueue(target().api, 'redelivered', { ackDeadlineSeconds: 10 });
      await publishOk(target().api, 'redelivered', labelled(['slow']));
      const first = await pullOne(target().api, queue);

      // Act
      await target().advance(10 * SECOND);
      const leaseEnded = await pull(target().api, queue);
      await target().advance(SECOND - 1);
      const lastMillisecondOfBackoff = await pull(target().api, queue);
      await target().advance(1);
      const second = await pullOne(target().api, queue);

      // Assess
      expect({ leaseEnded, lastMillisecondOfBackoff }).toEqual({ leaseEnded: [], lastMillisecondOfBackoff: [] });
      expect({ id: second.id, attempt: second.deliveryAttempt }).toEqual({ id: first.id, attempt: 2 });
      expect(second.ackId).not.toBe(first.ackId);
      const stale = await target().api.ack('redelivered', 'worker', [first.ackId]);
      expect(stale.body).toEqual({ acked: 0, notAcked: 1, failed: [{ ackId: first.ackId, code: 'LeaseExpired' }] });
      expect((await target().api.ack('redelivered', 'worker', [second.ackId])).body).toEqual({ acked: 1, notAcked: 0, failed: [] });
    });

    it('keeps an extended lease past the original deadline', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'extended', { ackDeadlineSeconds: 10 });
      await publishOk(target().api, 'extended', labelled(['long-job']));
      const delivery = await pullOne(target().api, queue);

      // Act
      const extended = await target().api.extend('extended', 'worker', [delivery.ackId], 60);
      await target().advance(30 * SECOND);

      // Assess
      expect(extended.body).toEqual({ acked: 1, notAcked: 0, failed: [] });
      expect(await pull(target().api, queue)).toEqual([]);
      expect((await target().api.ack('extended', 'worker', [delivery.ackId])).body).toEqual({ acked: 1, notAcked: 0, failed: [] });
    });

    it('ends a lease at once when extended by 0 seconds', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'shortened', { retryBackoff: { minSeconds: 0 } });
      await publishOk(target().api, 'shortened', labelled(['give-back']));
      const delivery = await pullOne(target().api, queue);

      // Act
      const extended = await target().api.extend('shortened', 'worker', [delivery.ackId], 0);
      const again = await pullOne(target().api, queue);

      // Assess
      expect(extended.body).toEqual({ acked: 1, notAcked: 0, failed: [] });
      expect([again.id, again.deliveryAttempt]).toEqual([delivery.id, 2]);
    });
  });

  describe('nack and retry backoff', () => {
    it('redelivers a nacked message only after the retry backoff', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'nacked', { retryBackoff: { minSeconds: 30, maxSeconds: 60 } });
      await publishOk(target().api, 'nacked', labelled(['flaky']));
      const delivery = await pullOne(target().api, queue);

      // Act
      const nacked = await target().api.nack('nacked', 'worker', [delivery.ackId]);
      const rightAway = await pull(target().api, queue);
      await target().advance(31 * SECOND);
      const later = await pullOne(target().api, queue);

      // Assess
      expect(nacked.body).toEqual({ acked: 1, notAcked: 0, failed: [] });
      expect(rightAway).toEqual([]);
      expect([later.id, later.deliveryAttempt]).toEqual([delivery.id, 2]);
    });

    it('redelivers at once when nacked with delaySeconds 0', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'nacked-now', { retryBackoff: { minSeconds: 30, maxSeconds: 60 } });
      await publishOk(target().api, 'nacked-now', labelled(['retry-me']));
      const delivery = await pullOne(target().api, queue);

      // Act
      await target().api.nack('nacked-now', 'worker', [delivery.ackId], { delaySeconds: 0 });
      const again = await pullOne(target().api, queue);

      // Assess
      expect([again.id, again.deliveryAttempt]).toEqual([delivery.id, 2]);
    });

    it('backs off exponentially between minSeconds and maxSeconds: 2, 4, then 5 and 5 seconds', async () => {
      // Prepare: only `advance` moves the clock, so each backoff can be checked to the millisecond
      target().clock.freeze();
      const queue = await createQueue(target().api, 'backoff', { maxDeliveries: 10, retryBackoff: { minSeconds: 2, maxSeconds: 5 } });
      await publishOk(target().api, 'backoff', labelled(['unlucky']));
      let delivery = await pullOne(target().api, queue);
      const observed: Array<{ waited: number; tooEarly: number; attempt: number }> = [];

      // Act
      for (const waited of [2, 4, 5, 5]) {
        await target().api.nack('backoff', 'worker', [delivery.ackId]);
        await target().advance(waited * SECOND - 1);
        const tooEarly = (await pull(target().api, queue)).length;
        await target().advance(1);
        delivery = await pullOne(target().api, queue);
        observed.push({ waited, tooEarly, attempt: delivery.deliveryAttempt });
      }

      // Assess
      expect(observed).toEqual([
        { waited: 2, tooEarly: 0, attempt: 2 },
        { waited: 4, tooEarly: 0, attempt: 3 },
        { waited: 5, tooEarly: 0, attempt: 4 },
        { waited: 5, tooEarly: 0, attempt: 5 },
      ]);
    });
  });

  describe('long polling', () => {
    it('returns a waiting pull as soon as a message is published, long before waitSeconds', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'long-poll');
      const started = Date.now();
      const waiting = pull(target().api, queue, { waitSeconds: 20 });
      await new Promise((resolve) => setTimeout(resolve, 200)); // lets the pull start waiting; had it not, it would find the message at once

      // Act
      await publishOk(target().api, 'long-poll', labelled(['awaited']));
      const delivered = await waiting;

      // Assess: a pull the publish did not wake would answer only after the full 20 s
      expect(labelsOf(delivered)).toEqual(['awaited']);
      expect(Date.now() - started).toBeLessThan(10 * SECOND);
    });

    backend.itUnless(Difference.LongPollLeasesAfterDisconnect)('leases nothing to a long-poll whose client has gone away', async () => {
      // Prepare: a client starts a long pull, then disconnects before any message exists
      const queue = await createQueue(target().api, 'abandoned');
      const client = new AbortController();
      const abandoned = fetch(`${target().api.http.baseUrl}/v1/topics/abandoned/subscriptions/worker/pull`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ waitSeconds: 20 }),
        signal: client.signal,
      }).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 200));
      client.abort();
      await abandoned;
      await new Promise((resolve) => setTimeout(resolve, 200));

      // Act
      await publishOk(target().api, 'abandoned', labelled(['for-the-living']));
      const delivered = await pull(target().api, queue);

      // Assess: the message went to the consumer still there, on its first attempt
      expect(delivered.map((message) => [message.body, message.deliveryAttempt])).toEqual([[{ label: 'for-the-living' }, 1]]);
    });

    it('returns an empty list once waitSeconds pass without a message', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'idle');
      const started = Date.now();

      // Act
      const delivered = await pull(target().api, queue, { waitSeconds: 1 });

      // Assess
      expect(delivered).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(SECOND);
    });
  });
});
