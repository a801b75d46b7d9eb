import type { Consumer } from '../types.js';

/**
 * Runs `step` (one receive-then-ack round, which must return within a second or
 * so) until stopped. An error while running is kept and rethrown by `stop`, so a
 * broken consumer fails the scenario instead of silently stalling it.
 *
 * @example
 * const consumer = pollingConsumer(async () => { const batch = await pull(); await ack(batch); });
 * await consumer.stop();
 */
export function pollingConsumer(step: () => Promise<void>): Consumer {
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
      await loop;
      if (failure !== undefined) throw failure;
    },
    failure: () => failure,
  };
}
