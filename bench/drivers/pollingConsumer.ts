import type { Consumer } from '../types.js';

/**
 * Runs `step` (one receive-then-ack round, which must return within a second or
 * so) until stopped. An error while running is kept and rethrown by `stop`, so a
 * broken consumer fails the scenario instead of silently stalling it. `stop`
 * calls `interrupt`, which should end a step waiting in a long poll at once (its
 * error is then ignored), so teardown does not wait for the poll to time out.
 *
 * @example
 * const polls = new AbortController();
 * const consumer = pollingConsumer(async () => { const batch = await pull(polls.signal); await ack(batch); }, () => polls.abort());
 * await consumer.stop();
 */
export function pollingConsumer(step: () => Promise<void>, interrupt: () => void = () => undefined): Consumer {
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      try {
        await step();
      } catch (error) {
        if (running) failure = error;
        return;
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      interrupt();
      await loop;
      if (failure !== undefined) throw failure;
    },
    failure: () => failure,
  };
}
