import { describeContract } from './harness/backends.js';
import { publishOk } from './harness/logFixtures.js';
import type { Conveyor } from './harness/Conveyor.js';
import { ackAll, addSubscription, createQueue, drain, iso, labelled, pull, type Queue, SECOND, countsOf } from './harness/queueFixtures.js';

/**
 * A topic with two batches published a minute apart, all consumed and acked.
 * `between` is a time after the first batch and before the second.
 */
async function consumedHistory(api: Conveyor, advance: (ms: number) => Promise<void>, now: () => number, topic: string, settings: object = {}) {
  const queue = await createQueue(api, topic, settings);
  const before = now() - SECOND;
  await publishOk(api, topic, labelled(['old-1', 'old-2', 'old-3']));
  await advance(30 * SECOND);
  const between = now();
  await advance(30 * SECOND);
  await publishOk(api, topic, labelled(['new-1', 'new-2']));
  await drain(api, queue);
  return { queue, before, between };
}

describeContract('Seek', (target) => {
  const history = (topic: string, settings: object = {}): ReturnType<typeof consumedHistory> =>
    consumedHistory(target().api, target().advance, () => target().clock.now(), topic, settings);

  describe('POST …/seek', () => {
    it('requeues every acked message published at or after the time, and delivers them again', async () => {
      // Prepare
      const { queue, before } = await history('replay-all');

      // Act
      const response = await target().api.seek(queue.topic, queue.subscription, iso(before));
      const replayed = await drain(target().api, queue);

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ requeued: 5 });
      expect(replayed.sort()).toEqual(['new-1', 'new-2', 'old-1', 'old-2', 'old-3']);
    });

    it('requeues only the messages published at or after the time', async () => {
      // Prepare
      const { queue, between } = await history('replay-recent');

      // Act
      const response = await target().api.seek(queue.topic, queue.subscription, iso(between));
      const replayed = await drain(target().api, queue);

      // Assess
      expect(response.body).toEqual({ requeued: 2 });
      expect(replayed.sort()).toEqual(['new-1', 'new-2']);
    });

    it('includes a message published exactly at the time', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'replay-exact');
      await publishOk(target().api, 'replay-exact', labelled(['first']));
      await target().advance(5 * SECOND);
      await publishOk(target().api, 'replay-exact', labelled(['second']));
      const [first, second] = (await pull(target().api, queue)).sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
      await ackAll(target().api, queue, [first!, second!]);

      // Act
      const response = await target().api.seek('replay-exact', 'worker', second!.publishedAt);

      // Assess
      expect(response.body).toEqual({ requeued: 1 });
      expect(await drain(target().api, queue)).toEqual(['second']);
    });

    it('affects only the subscription that seeks: another subscription on the topic gets nothing new', async () => {
      // Prepare
      const { queue, before } = await history('replay-isolated');
      const other: Queue = { topic: 'replay-isolated', subscription: 'other' };
      await addSubscription(target().api, other, { startFrom: 'earliest' });
      await drain(target().api, other);

      // Act
      const response = await target().api.seek(queue.topic, queue.subscription, iso(before));

      // Assess
      expect(response.body).toEqual({ requeued: 5 });
      expect(await pull(target().api, other)).toEqual([]);
      expect(await countsOf(target().api, other)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 0 });
      expect(await countsOf(target().api, queue)).toEqual({ backlog: 5, inFlight: 0, delayed: 0, deadLetters: 0 });
    });

    it('requeues only the messages that match the subscription filter', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'replay-filtered', { filter: { attributes: { region: ['eu'] } } });
      const before = target().clock.now() - SECOND;
      await publishOk(target().api, 'replay-filtered', [
        ...labelled(['eu-1', 'eu-2'], { attributes: { region: 'eu' } }),
        ...labelled(['us-1'], { attributes: { region: 'us' } }),
      ]);
      await drain(target().api, queue);

      // Act
      const response = await target().api.seek('replay-filtered', 'worker', iso(before));
      const replayed = await drain(target().api, queue);

      // Assess
      expect(response.body).toEqual({ requeued: 2 });
      expect(replayed.sort()).toEqual(['eu-1', 'eu-2']);
    });

    it('requeues nothing when the time is in the future', async () => {
      // Prepare
      const { queue } = await history('replay-future');

      // Act
      const response = await target().api.seek(queue.topic, queue.subscription, iso(target().clock.now() + 3600 * SECOND));

      // Assess
      expect(response.body).toEqual({ requeued: 0 });
      expect(await pull(target().api, queue)).toEqual([]);
    });
  });
});
