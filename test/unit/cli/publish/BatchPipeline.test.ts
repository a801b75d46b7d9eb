import { setTimeout as sleep } from 'node:timers/promises';
import { BatchPipeline, PublishStopped, type BatchOutcome } from '../../../../src/cli/publish/BatchPipeline.js';
import type { Batch } from '../../../../src/cli/publish/Batcher.js';

/** Batch `sequence` of 10 messages, lines 10·sequence+1 to 10·sequence+10. */
function batch(sequence: number): Batch {
  const lines = Array.from({ length: 10 }, (_, index) => sequence * 10 + index + 1);
  return { sequence, messages: lines.map((line) => ({ id: `m-${line}`, body: line })), firstLine: lines[0]!, lastLine: lines.at(-1)!, lines, requestBytes: 100, inputBytes: 50 };
}

async function* batches(count: number, failAfter?: number): AsyncGenerator<Batch> {
  for (let sequence = 0; sequence < count; sequence += 1) {
    if (sequence === failAfter) throw new Error('line 42 is not JSON');
    yield batch(sequence);
  }
}

/** A sender that records what it was sent and how many requests ran at once, answering after `delayMs(batch)`. */
function recordingSender(delayMs: (batch: Batch) => number, fail?: (batch: Batch) => Error | undefined): { send: (batch: Batch) => Promise<BatchOutcome>; sent: number[]; mostAtOnce: () => number } {
  const sent: number[] = [];
  let running = 0;
  let most = 0;
  return {
    sent,
    mostAtOnce: () => most,
    send: async (b) => {
      sent.push(b.sequence);
      running += 1;
      most = Math.max(most, running);
      await sleep(delayMs(b));
      running -= 1;
      const error = fail?.(b);
      if (error !== undefined) throw error;
      return { duplicates: b.sequence === 1 ? 3 : 0 };
    },
  };
}

describe('Class: BatchPipeline', () => {
  describe('Method: run', () => {
    it('publishes every batch with at most inFlight requests at once, and adds up what the answers say', async () => {
      // Prepare
      const sender = recordingSender((b) => (b.sequence % 3) * 5);
      const published: number[] = [];
      const pipeline = new BatchPipeline(sender.send, 4, (b) => published.push(b.sequence));

      // Act
      const totals = await pipeline.run(batches(12));

      // Assess
      expect(sender.sent).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(sender.mostAtOnce()).toBe(4);
      expect(published.sort((a, b) => a - b)).toEqual(sender.sent);
      expect(totals).toEqual({ messages: 120, duplicates: 3, requests: 12, inputBytes: 600, requestBytes: 1200, publishedThroughLine: 120 });
    });

    it('sends one request at a time with inFlight 1, in input order', async () => {
      // Prepare
      const sender = recordingSender(() => 1);

      // Act
      await new BatchPipeline(sender.send, 1).run(batches(5));

      // Assess
      expect(sender.mostAtOnce()).toBe(1);
      expect(sender.sent).toEqual([0, 1, 2, 3, 4]);
    });

    it('stops sending once a batch fails, lets the batches in flight finish, and says up to which line everything is published', async () => {
      // Prepare
      const refused = new Error('400 InvalidRequest: messages[3].key is too long');
      // Batch 2 fails fast while 0 and 1 are slow; 3 is in flight with it.
      const sender = recordingSender((b) => (b.sequence < 2 ? 30 : 1), (b) => (b.sequence === 2 ? refused : undefined));

      // Act
      const run = new BatchPipeline(sender.send, 4).run(batches(20));

      // Assess
      const stopped = (await run.catch((error: unknown) => error)) as PublishStopped;
      expect(stopped).toBeInstanceOf(PublishStopped);
      expect(stopped.reason).toBe(refused);
      expect(stopped.batch?.sequence).toBe(2);
      expect(sender.sent).toEqual([0, 1, 2, 3]);
      expect(stopped.totals).toMatchObject({ messages: 30, requests: 3, publishedThroughLine: 20 });
    });

    it('reports an input error after the batches in flight finish, without a failed batch', async () => {
      // Prepare
      const sender = recordingSender(() => 5);

      // Act
      const stopped = (await new BatchPipeline(sender.send, 4).run(batches(10, 3)).catch((error: unknown) => error)) as PublishStopped;

      // Assess
      expect(stopped).toBeInstanceOf(PublishStopped);
      expect(stopped.message).toBe('line 42 is not JSON');
      expect(stopped.batch).toBeUndefined();
      expect(stopped.totals).toMatchObject({ messages: 30, publishedThroughLine: 30 });
    });

    it('takes no further batch once its signal aborts, and finishes the ones in flight', async () => {
      // Prepare
      const stop = new AbortController();
      const sender = recordingSender(() => 5);
      const pipeline = new BatchPipeline(sender.send, 2, (b) => {
        if (b.sequence === 1) stop.abort();
      });

      // Act
      const totals = await pipeline.run(batches(50), stop.signal);

      // Assess
      expect(sender.sent.length).toBeLessThan(50);
      expect(totals.requests).toBe(sender.sent.length);
    });
  });
});
