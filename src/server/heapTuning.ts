import { setFlagsFromString } from 'node:v8';

/**
 * How the broker's own process runs V8's garbage collector. The work of a busy
 * broker is short-lived garbage (a request, its messages, its answer) around a
 * live heap of 10–15 MB; with V8's defaults the heap grows to several times
 * that between full collections. Measured with
 * the 200k-message drain of `npm run bench`: peak RSS 124 MiB with all three
 * instead of 182–188 MiB, at the same drain and end-to-end rates.
 */
export const SERVER_HEAP_FLAGS = {
  /**
   * Fixed when the process starts, so only the command line sets them (`npm start` does; NODE_OPTIONS may):
   * - a young generation of 2 × 8 MB instead of 2 × 16;
   * - one V8 background thread instead of four. They run the collector's concurrent marking and
   *   parallel scavenges (and background compilation). On two cores, four of them took the other
   *   core whole for 10–15 ms at each full collection, about once a second, and whatever else needed
   *   it waited: the clients, the checkpoint worker, GROUP's fsync thread. Measured with the latency
   *   phases of `npm run bench` (FULL at half its own e2e rate, two runs each): p99 / p99.9 9.2 / 17.2
   *   and 10.3 / 18.6 ms with four, 6.2 / 9.2 and 5.9 / 9.9 ms with one, at the same e2e rate.
   */
  startup: ['--max-semi-space-size=8', '--v8-pool-size=1'],
  /**
   * Settings V8 reads at every collection, so a running process can take them:
   * the old generation may double between full collections (V8 picks up to 4×
   * while the process is busy), and objects are not allocated straight into
   * the old generation because an allocation site's objects survived once (a
   * batch of pulls, all alive when a scavenge ran mid-batch, made them look
   * long-lived).
   */
  runtime: ['--heap-growing-percent=100', '--no-allocation-site-pretenuring'],
} as const;

const flagName = (flag: string): string => flag.replace(/^--(no-)?/, '').split('=')[0]!.replaceAll('_', '-');

/**
 * Applies SERVER_HEAP_FLAGS.runtime to this process, except a setting the
 * process was already started with (on its command line or in NODE_OPTIONS),
 * which wins. Only the server's own process calls it (`npm start`,
 * `conveyor serve`), never a process that embeds the broker.
 */
export function tuneServerHeap(
  given: readonly string[] = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)],
  setFlag: (flag: string) => void = setFlagsFromString,
): string[] {
  const named = new Set(given.filter((arg) => arg.startsWith('--')).map(flagName));
  const applied = SERVER_HEAP_FLAGS.runtime.filter((flag) => !named.has(flagName(flag)));
  for (const flag of applied) setFlag(flag);
  return applied;
}
