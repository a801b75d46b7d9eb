import { ResponseLimits } from '../../src/domain/constants.js';
import { storedMessageBytes } from '../../src/domain/messageSize.js';
import type { Delivery, Json, Message } from '../../src/domain/types.js';
import { describeContract } from './harness/backends.js';
import { Difference } from './harness/differences.js';
import { idsOf, publishOk, readPage } from './harness/logFixtures.js';
import { countsOf, createQueue, labelsOf, pull, type Queue } from './harness/queueFixtures.js';
import type { PublishInput } from './harness/Conveyor.js';
import { requireStatus } from './harness/ApiClient.js';

/** The smallest budget an operator can set: two ~200 KiB messages fit, a third does not. */
const BUDGET = ResponseLimits.bytes.min;
const LARGE = 200 * 1024;

/** Messages labelled `labels`, each padded to about `padBytes` (0: a small message). */
function padded(labels: readonly string[], padBytes: readonly number[] | number = LARGE): PublishInput[] {
  return labels.map((label, index) => {
    const size = typeof padBytes === 'number' ? padBytes : (padBytes[index] ?? 0);
    const body: Json = { label, pad: 'x'.repeat(size) };
    return { body };
  });
}

const bytesOf = (messages: readonly Message[]): number => messages.reduce((sum, message) => sum + storedMessageBytes(message), 0);

describeContract(
  'Response byte budget',
  (target, backend) => {
    describe('GET /v1/topics/{topic}/partitions/{partition}/messages', () => {
      it('stops a read at the byte budget, and nextOffset continues it to the head with nothing skipped or repeated', async () => {
        // Prepare: large and small messages mixed, so pages end at different counts
        await target().api.createTopic('large-log', { partitions: 1 });
        await publishOk(target().api, 'large-log', padded(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6'], [LARGE, 0, LARGE, LARGE, 0, 0, LARGE]));

        // Act
        const pages: Array<{ offsets: number[]; bytes: number; nextOffset: number }> = [];
        let next = 0;
        for (let i = 0; i < 3; i += 1) {
          const page = await readPage(target().api, 'large-log', 0, `fromOffset=${next}&limit=1000`);
          pages.push({ offsets: page.messages.map((message) => message.offset), bytes: bytesOf(page.messages), nextOffset: page.nextOffset });
          next = page.nextOffset;
        }

        // Assess
        expect(pages.map(({ offsets, nextOffset }) => ({ offsets, nextOffset }))).toEqual([
          { offsets: [0, 1, 2], nextOffset: 3 },
          { offsets: [3, 4, 5, 6], nextOffset: 7 },
          { offsets: [], nextOffset: 7 },
        ]);
        for (const page of pages) expect(page.bytes).toBeLessThanOrEqual(BUDGET);
      });

      it('holds to the budget when reading from a time', async () => {
        // Prepare
        await target().api.createTopic('large-since', { partitions: 1 });
        await publishOk(target().api, 'large-since', padded(['a', 'b', 'c']));

        // Act
        const page = await readPage(target().api, 'large-since', 0, `fromTime=${encodeURIComponent('2000-01-01T00:00:00Z')}&limit=1000`);

        // Assess
        expect(page.messages.map((message) => message.offset)).toEqual([0, 1]);
        expect(page.nextOffset).toBe(2);
      });
    });

    describe('POST /v1/topics/{topic}/subscriptions/{subscription}/pull', () => {
      /** Pulls until a pull comes back empty; every pull's deliveries, in order. */
      async function pullRounds(queue: Queue): Promise<Delivery[][]> {
        const rounds: Delivery[][] = [];
        for (;;) {
          const delivered = await pull(target().api, queue, { max: 100 });
          if (delivered.length === 0) return rounds;
          rounds.push(delivered);
        }
      }

      it('leases only what fits the budget; the rest stays ready and comes on later pulls at attempt 1', async () => {
        // Prepare
        const queue = await createQueue(target().api, 'large-jobs');
        await publishOk(target().api, 'large-jobs', padded(['j1', 'j2', 'j3', 'j4', 'j5']));

        // Act
        const first = await pull(target().api, queue, { max: 100 });
        const countsAfterFirst = await countsOf(target().api, queue);
        const later = await pullRounds(queue);

        // Assess
        expect(first.length).toBeGreaterThan(0);
        expect(first.length).toBeLessThan(5);
        expect(bytesOf(first)).toBeLessThanOrEqual(BUDGET);
        if (!backend.differs(Difference.ApproximateStats)) expect(countsAfterFirst).toMatchObject({ backlog: 5 - first.length, inFlight: first.length });
        for (const round of later) expect(bytesOf(round)).toBeLessThanOrEqual(BUDGET);
        expect(later.flat().map((delivery) => delivery.deliveryAttempt)).toEqual(later.flat().map(() => 1));
        expect([...labelsOf(first), ...labelsOf(later.flat())].sort()).toEqual(['j1', 'j2', 'j3', 'j4', 'j5']);
      });

      it('answers a waiting pull with what fits when one publish makes more ready', async () => {
        // Prepare
        const queue = await createQueue(target().api, 'large-wait');
        const waiting = pull(target().api, queue, { max: 100, waitSeconds: 10 });

        // Act
        await publishOk(target().api, 'large-wait', padded(['w1', 'w2', 'w3', 'w4', 'w5']));
        const answered = await waiting;
        const rest = await pullRounds(queue);

        // Assess
        expect(answered.length).toBeGreaterThan(0);
        expect(bytesOf(answered)).toBeLessThanOrEqual(BUDGET);
        expect(rest.flat().map((delivery) => delivery.deliveryAttempt)).toEqual(rest.flat().map(() => 1));
        expect([...labelsOf(answered), ...labelsOf(rest.flat())].sort()).toEqual(['w1', 'w2', 'w3', 'w4', 'w5']);
      });
    });

    describe('GET /v1/topics/{topic}/delayed', () => {
      it('stops a listing of delayed messages at the budget, and nextCursor continues it with nothing skipped or repeated', async () => {
        // Prepare: due one minute apart, large and small mixed
        await target().api.createTopic('large-delayed', { partitions: 1 });
        const messages = padded(['w0', 'w1', 'w2', 'w3', 'w4'], [LARGE, 0, LARGE, LARGE, LARGE]).map((message, index) => ({ ...message, delaySeconds: (index + 1) * 60 }));
        await publishOk(target().api, 'large-delayed', messages);

        // Act
        const pages: Array<{ labels: string[]; bytes: number }> = [];
        let cursor: string | null = null;
        do {
          const query: string = `limit=1000${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
          const page = requireStatus('listing delayed messages', await target().api.listDelayed('large-delayed', query));
          pages.push({ labels: labelsOf(page.messages), bytes: page.messages.reduce((sum, message) => sum + storedMessageBytes(message), 0) });
          cursor = page.nextCursor;
        } while (cursor !== null);

        // Assess
        expect(pages.map((page) => page.labels)).toEqual([['w0', 'w1', 'w2'], ['w3', 'w4']]);
        for (const page of pages) expect(page.bytes).toBeLessThanOrEqual(BUDGET);
      });
    });

    describe('GET /v1/topics/{topic}/subscriptions/{subscription}/dead-letters', () => {
      it('lists no more dead letters than the budget holds; deleting those lists the next', async () => {
        // Prepare: one delivery each, then a nack makes it a dead letter
        const queue = await createQueue(target().api, 'large-dead', { maxDeliveries: 1 });
        const ids = idsOf(await publishOk(target().api, 'large-dead', padded(['d1', 'd2', 'd3', 'd4', 'd5'])));
        for (let delivered = await pull(target().api, queue, { max: 100 }); delivered.length > 0; delivered = await pull(target().api, queue, { max: 100 })) {
          requireStatus('nacking', await target().api.nack('large-dead', 'worker', delivered.map((delivery) => delivery.ackId)));
        }

        // Act
        const listings: Message[][] = [];
        for (let i = 0; i < 5; i += 1) {
          const { messages } = requireStatus('listing dead letters', await target().api.deadLetters('large-dead', 'worker', 1000));
          if (messages.length === 0) break;
          listings.push(messages);
          requireStatus('deleting dead letters', await target().api.deleteDeadLetters('large-dead', 'worker', messages.map((letter) => letter.id)));
        }

        // Assess
        expect(listings.length).toBeGreaterThan(1);
        for (const listing of listings) {
          expect(listing.length).toBeLessThan(5);
          expect(bytesOf(listing)).toBeLessThanOrEqual(BUDGET);
        }
        expect(listings.flat().map((letter) => letter.id).sort()).toEqual([...ids].sort());
      });
    });
  },
  { responseBytes: BUDGET },
);
