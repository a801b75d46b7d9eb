import type { Delivery } from '../../src/domain/types.js';
import { describeContract } from './harness/backends.js';
import { Difference } from './harness/differences.js';
import { appended, idsOf, publishOk } from './harness/logFixtures.js';
import type { Conveyor } from './harness/Conveyor.js';
import { createQueue, iso, labelled, labelsOf, pull, type Queue, SECOND, countsOf } from './harness/queueFixtures.js';

/** Retries come back at once, so a test can fail a message `maxDeliveries` times in a row. */
const DLQ_SETTINGS = { maxDeliveries: 3, retryBackoff: { minSeconds: 0, maxSeconds: 0 } };

/** Pulls and nacks everything ready, `times` rounds; returns the last round's deliveries. */
async function failRepeatedly(api: Conveyor, queue: Queue, times: number, reason?: (round: number) => string): Promise<Delivery[]> {
  let last: Delivery[] = [];
  for (let round = 1; round <= times; round += 1) {
    last = await pull(api, queue, { max: 100 });
    const response = await api.nack(queue.topic, queue.subscription, last.map((m) => m.ackId), reason === undefined ? {} : { reason: reason(round) });
    if (response.body.acked !== last.length) throw new Error(`nack round ${round} failed: ${response.text}`);
  }
  return last;
}

/** A queue whose given messages were all dead-lettered after three failed deliveries. */
async function queueWithDeadLetters(api: Conveyor, topic: string, labels: readonly string[]): Promise<{ queue: Queue; ids: string[] }> {
  const queue = await createQueue(api, topic, DLQ_SETTINGS);
  const ids = idsOf(await publishOk(api, topic, labelled(labels)));
  await failRepeatedly(api, queue, DLQ_SETTINGS.maxDeliveries);
  return { queue, ids };
}

describeContract('Dead letters', (target, backend) => {
  describe('dead-lettering', () => {
    it('dead-letters a message after maxDeliveries nacks, keeping the last reason', async () => {
      // Prepare
      target().clock.freeze();
      const queue = await createQueue(target().api, 'payments', DLQ_SETTINGS);
      const [published] = await publishOk(target().api, 'payments', [{ key: 'card-42', attributes: { type: 'charge' }, body: { label: 'charge', cents: 1999 } }]);
      const { id, partition, offset } = appended(published);

      // Act
      const lastRound = await failRepeatedly(target().api, queue, 3, (round) => `card declined (${round})`);

      // Assess
      expect(lastRound.map((m) => m.deliveryAttempt)).toEqual([3]);
      const { body } = await target().api.deadLetters('payments', 'worker');
      const now = iso(target().clock.now());
      expect(body.messages).toEqual([
        {
          id,
          topic: 'payments',
          partition,
          offset,
          key: 'card-42',
          attributes: { type: 'charge' },
          body: { label: 'charge', cents: 1999 },
          publishedAt: now,
          deliveryAttempt: 3,
          deadLetteredAt: now,
          lastError: 'card declined (3)',
        },
      ]);
    });

    it('no longer delivers a dead letter, and counts it in stats', async () => {
      // Prepare
      const { queue } = await queueWithDeadLetters(target().api, 'undeliverable', ['poison']);

      // Act
      await target().advance(3600 * SECOND);
      const delivered = await pull(target().api, queue);

      // Assess
      expect(delivered).toEqual([]);
      expect(await countsOf(target().api, queue)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 1 });
    });

    backend.itUnless(Difference.LazyDeadLettering)('dead-letters a message whose lease expired maxDeliveries times', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'timeouts', { ackDeadlineSeconds: 10, maxDeliveries: 2, retryBackoff: { minSeconds: 0, maxSeconds: 0 } });
      const [id] = idsOf(await publishOk(target().api, 'timeouts', labelled(['stuck'])));
      const attempts: number[] = [];

      // Act
      for (let round = 0; round < 2; round += 1) {
        attempts.push(...(await pull(target().api, queue)).map((m) => m.deliveryAttempt));
        await target().advance(11 * SECOND);
      }

      // Assess
      expect(attempts).toEqual([1, 2]);
      const { body } = await target().api.deadLetters('timeouts', 'worker');
      expect(body.messages.map((m) => ({ id: m.id, deliveryAttempt: m.deliveryAttempt }))).toEqual([{ id, deliveryAttempt: 2 }]);
      expect(await countsOf(target().api, queue)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 1 });
    });

    backend.itUnless(Difference.LazyDeadLettering).each([
      { case: 'never nacked: null', topic: 'never-nacked', nackReason: undefined, lastError: null },
      { case: 'nacked, then its last lease expired: the nack reason', topic: 'nacked-then-expired', nackReason: 'timeout upstream', lastError: 'timeout upstream' },
    ])('reports lastError as the last nack reason for a message $case', async ({ topic, nackReason, lastError }) => {
      // Prepare
      const queue = await createQueue(target().api, topic, { ackDeadlineSeconds: 10, maxDeliveries: 2, retryBackoff: { minSeconds: 0, maxSeconds: 0 } });
      await publishOk(target().api, topic, labelled(['ignored']));
      const [first] = await pull(target().api, queue);
      if (nackReason === undefined) await target().advance(11 * SECOND);
      else await target().api.nack(topic, 'worker', [first!.ackId], { reason: nackReason });
      await pull(target().api, queue);

      // Act
      await target().advance(11 * SECOND);

      // Assess
      const { body } = await target().api.deadLetters(topic, 'worker');
      expect(body.messages.map((m) => ({ label: labelsOf([m])[0], deliveryAttempt: m.deliveryAttempt, lastError: m.lastError }))).toEqual([
        { label: 'ignored', deliveryAttempt: 2, lastError },
      ]);
    });

    it('lists at most limit dead letters', async () => {
      // Prepare
      await queueWithDeadLetters(target().api, 'limited', ['a', 'b', 'c']);

      // Act
      const response = await target().api.deadLetters('limited', 'worker', 2);

      // Assess: the order of dead letters is not specified, only that they are two different ones of the three
      const listed = labelsOf(response.body.messages);
      expect(listed).toHaveLength(2);
      expect(new Set(listed).size).toBe(2);
      expect(['a', 'b', 'c']).toEqual(expect.arrayContaining(listed));
    });
  });

  describe('POST …/dead-letters/redrive', () => {
    it('redrives every dead letter, delivered again from attempt 1', async () => {
      // Prepare
      const { queue, ids } = await queueWithDeadLetters(target().api, 'redrive-all', ['a', 'b']);

      // Act
      const response = await target().api.redrive('redrive-all', 'worker');
      const delivered = await pull(target().api, queue);

      // Assess
      expect(response.body).toEqual({ redriven: 2 });
      expect(delivered.map((m) => ({ id: m.id, attempt: m.deliveryAttempt })).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        [...ids].sort().map((id) => ({ id, attempt: 1 })),
      );
      expect(await countsOf(target().api, queue)).toEqual({ backlog: 0, inFlight: 2, delayed: 0, deadLetters: 0 });
    });

    it('redrives only the selected ids', async () => {
      // Prepare
      const { queue, ids } = await queueWithDeadLetters(target().api, 'redrive-some', ['a', 'b', 'c']);

      // Act
      const response = await target().api.redrive('redrive-some', 'worker', [ids[1]!]);

      // Assess
      expect(response.body).toEqual({ redriven: 1 });
      expect(labelsOf(await pull(target().api, queue))).toEqual(['b']);
      expect(labelsOf((await target().api.deadLetters('redrive-some', 'worker')).body.messages).sort()).toEqual(['a', 'c']);
    });

    it('gives a redriven message maxDeliveries fresh attempts', async () => {
      // Prepare
      const { queue } = await queueWithDeadLetters(target().api, 'second-chance', ['again']);
      await target().api.redrive('second-chance', 'worker');

      // Act
      const attempts: number[] = [];
      for (let round = 0; round < 2; round += 1) {
        const [delivery] = await pull(target().api, queue);
        attempts.push(delivery!.deliveryAttempt);
        await target().api.nack('second-chance', 'worker', [delivery!.ackId]);
      }

      // Assess
      expect(attempts).toEqual([1, 2]);
      expect(await countsOf(target().api, queue)).toEqual({ backlog: 1, inFlight: 0, delayed: 0, deadLetters: 0 });
    });

    it('ignores unknown ids', async () => {
      // Prepare
      await queueWithDeadLetters(target().api, 'redrive-unknown', ['kept']);

      // Act
      const response = await target().api.redrive('redrive-unknown', 'worker', ['no-such-message']);

      // Assess
      expect(response.body).toEqual({ redriven: 0 });
      expect((await target().api.deadLetters('redrive-unknown', 'worker')).body.messages).toHaveLength(1);
    });
  });

  describe('DELETE …/dead-letters', () => {
    it('deletes the selected dead letters only', async () => {
      // Prepare
      const { queue, ids } = await queueWithDeadLetters(target().api, 'delete-some', ['a', 'b', 'c']);

      // Act
      const response = await target().api.deleteDeadLetters('delete-some', 'worker', [ids[0]!, ids[2]!]);

      // Assess
      expect(response.body).toEqual({ deleted: 2 });
      expect(labelsOf((await target().api.deadLetters('delete-some', 'worker')).body.messages)).toEqual(['b']);
      expect(await countsOf(target().api, queue)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 1 });
    });

    it('deletes every dead letter when no ids are given, for good', async () => {
      // Prepare
      const { queue } = await queueWithDeadLetters(target().api, 'delete-all', ['a', 'b']);

      // Act
      const response = await target().api.deleteDeadLetters('delete-all', 'worker');

      // Assess
      expect(response.body).toEqual({ deleted: 2 });
      expect((await target().api.deadLetters('delete-all', 'worker')).body.messages).toEqual([]);
      expect((await target().api.redrive('delete-all', 'worker')).body).toEqual({ redriven: 0 });
      expect(await pull(target().api, queue)).toEqual([]);
    });

    it('ignores unknown ids', async () => {
      // Prepare
      await queueWithDeadLetters(target().api, 'delete-unknown', ['kept']);

      // Act
      const response = await target().api.deleteDeadLetters('delete-unknown', 'worker', ['no-such-message']);

      // Assess
      expect(response.body).toEqual({ deleted: 0 });
      expect((await target().api.deadLetters('delete-unknown', 'worker')).body.messages).toHaveLength(1);
    });
  });
});
