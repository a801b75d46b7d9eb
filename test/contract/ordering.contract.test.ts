import type { Delivery } from '../../src/domain/types.js';
import { describeContract } from './harness/backends.js';
import { Difference } from './harness/differences.js';
import { publishOk } from './harness/logFixtures.js';
import type { Conveyor } from './harness/Conveyor.js';
import { ackAll, addSubscription, countsOf, createQueue, labelled, labelsOf, pull, type Queue, SECOND } from './harness/queueFixtures.js';

const ORDERED = { ordered: true, retryBackoff: { minSeconds: 30, maxSeconds: 30 } };

/** Messages of one key, labelled `<key>1`, `<key>2`, … */
const keyed = (key: string, count: number): ReturnType<typeof labelled> =>
  labelled(Array.from({ length: count }, (_, i) => `${key}${i + 1}`), { key });

/** Pulls with room for many, acks what came, and returns the labels of each round until nothing is left. */
async function consumeInRounds(api: Conveyor, queue: Queue): Promise<string[][]> {
  const rounds: string[][] = [];
  for (;;) {
    const batch: Delivery[] = await pull(api, queue, { max: 10 });
    if (batch.length === 0) return rounds;
    rounds.push(labelsOf(batch).sort());
    await ackAll(api, queue, batch);
  }
}

describeContract('Ordered subscriptions', (target, backend) => {
  describe('one key at a time, keys in parallel', () => {
    it('delivers the messages of one key one at a time, in offset order', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'one-key', ORDERED);
      await publishOk(target().api, 'one-key', keyed('A', 4));

      // Act
      const rounds = await consumeInRounds(target().api, queue);

      // Assess
      expect(rounds).toEqual([['A1'], ['A2'], ['A3'], ['A4']]);
    });

    it('holds the next message of a key back until the previous one is acked', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'held-back', ORDERED);
      await publishOk(target().api, 'held-back', keyed('A', 3));
      const [head] = await pull(target().api, queue, { max: 10 });

      // Act
      const whileLeased = await pull(target().api, queue, { max: 10 });
      const counts = await countsOf(target().api, queue);
      await ackAll(target().api, queue, [head!]);
      const afterAck = await pull(target().api, queue, { max: 10 });

      // Assess
      expect(labelsOf([head!])).toEqual(['A1']);
      expect(whileLeased).toEqual([]);
      if (!backend.differs(Difference.ApproximateStats)) expect(counts).toEqual({ backlog: 0, inFlight: 1, delayed: 2, deadLetters: 0 });
      expect(labelsOf(afterAck)).toEqual(['A2']);
    });

    it('hands out the next message of a key in the pull that carries the ack of the one before', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'ack-on-pull-ordered', ORDERED);
      await publishOk(target().api, 'ack-on-pull-ordered', keyed('A', 3));
      const [head] = await pull(target().api, queue, { max: 10 });

      // Act
      const response = await target().api.pull(queue.topic, queue.subscription, { max: 10, ackIds: [head!.ackId] });

      // Assess
      expect(response.body.ack).toEqual({ acked: 1, notAcked: 0, failed: [] });
      expect(labelsOf(response.body.messages)).toEqual(['A2']);
    });

    it('delivers messages of different keys in parallel', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'many-keys', ORDERED);
      await publishOk(target().api, 'many-keys', [...keyed('A', 2), ...keyed('B', 2), ...keyed('C', 1)]);

      // Act
      const rounds = await consumeInRounds(target().api, queue);

      // Assess
      expect(rounds).toEqual([
        ['A1', 'B1', 'C1'],
        ['A2', 'B2'],
      ]);
    });

    it('does not hold back messages without a key', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'keyless', ORDERED);
      await publishOk(target().api, 'keyless', [...labelled(['n1', 'n2', 'n3']), ...keyed('A', 2)]);

      // Act
      const first = await pull(target().api, queue, { max: 10 });

      // Assess
      expect(labelsOf(first).sort()).toEqual(['A1', 'n1', 'n2', 'n3']);
    });
  });

  describe('failed deliveries', () => {
    it('keeps the order when a message is nacked: its key waits until it is redelivered and acked', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'nacked-head', ORDERED);
      await publishOk(target().api, 'nacked-head', keyed('A', 2));
      const [head] = await pull(target().api, queue, { max: 10 });
      await target().api.nack('nacked-head', 'worker', [head!.ackId]);

      // Act
      const duringBackoff = await pull(target().api, queue, { max: 10 });
      await target().advance(31 * SECOND);
      const redelivered = await pull(target().api, queue, { max: 10 });
      await ackAll(target().api, queue, redelivered);
      const next = await pull(target().api, queue, { max: 10 });

      // Assess
      expect(duringBackoff).toEqual([]);
      expect(redelivered.map((m) => [labelsOf([m])[0], m.deliveryAttempt])).toEqual([['A1', 2]]);
      expect(labelsOf(next)).toEqual(['A2']);
    });

    it('keeps the order when a lease expires: the same message comes back before the next one', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'expired-head', { ...ORDERED, ackDeadlineSeconds: 10, retryBackoff: { minSeconds: 0, maxSeconds: 0 } });
      await publishOk(target().api, 'expired-head', keyed('A', 2));
      await pull(target().api, queue, { max: 10 });

      // Act
      await target().advance(11 * SECOND);
      const redelivered = await pull(target().api, queue, { max: 10 });

      // Assess
      expect(redelivered.map((m) => [labelsOf([m])[0], m.deliveryAttempt])).toEqual([['A1', 2]]);
    });

    it('releases the next message of a key once the previous one is dead-lettered', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'dead-head', { ...ORDERED, maxDeliveries: 1 });
      await publishOk(target().api, 'dead-head', keyed('A', 2));
      const [head] = await pull(target().api, queue, { max: 10 });

      // Act
      await target().api.nack('dead-head', 'worker', [head!.ackId], { reason: 'poison' });
      const next = await pull(target().api, queue, { max: 10 });

      // Assess
      expect(labelsOf(next)).toEqual(['A2']);
      expect(labelsOf((await target().api.deadLetters('dead-head', 'worker')).body.messages)).toEqual(['A1']);
    });

    backend.itUnless(Difference.RedriveJoinsKeyTail)('delivers a redriven dead letter before the later messages of its key that are still queued', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'redriven-head', { ...ORDERED, maxDeliveries: 1 });
      await publishOk(target().api, 'redriven-head', keyed('A', 1));
      const [head] = await pull(target().api, queue, { max: 10 });
      await target().api.nack('redriven-head', 'worker', [head!.ackId]);
      await publishOk(target().api, 'redriven-head', labelled(['A2', 'A3'], { key: 'A' }));
      const [a2] = await pull(target().api, queue, { max: 10 });

      // Act
      await target().api.redrive('redriven-head', 'worker');
      const whileA2Leased = await pull(target().api, queue, { max: 10 });
      await ackAll(target().api, queue, [a2!]);
      const rounds = await consumeInRounds(target().api, queue);

      // Assess
      expect(labelsOf([a2!])).toEqual(['A2']);
      expect(whileA2Leased).toEqual([]);
      expect(rounds).toEqual([['A1'], ['A3']]);
    });
  });

  describe('retention', () => {
    backend.itUnless(Difference.QueuesOutliveRetention)('moves a key on when retention trims its head, so the later messages of the key are not stranded', async () => {
      // Prepare: A2 waits behind A1; then A1 passes the topic's one-hour retention, A2 does not
      await target().api.createTopic('trimmed-head', { retentionHours: 1 });
      const queue = await addSubscription(target().api, { topic: 'trimmed-head', subscription: 'worker' }, ORDERED);
      await publishOk(target().api, 'trimmed-head', labelled(['A1'], { key: 'A' }));
      await target().advance(30 * 60 * SECOND);
      await publishOk(target().api, 'trimmed-head', labelled(['A2'], { key: 'A' }));

      // Act: this pass trims A1
      await target().advance(40 * 60 * SECOND);
      const delivered = await pull(target().api, queue, { max: 10 });

      // Assess
      expect(labelsOf(delivered)).toEqual(['A2']);
    });
  });
});
