/** How big a run is; every system runs the same profile. */
export interface Profile {
  readonly name: 'full' | 'quick' | 'smoke';
  /** Length of each timed phase (publish per batch size, end-to-end, latency, fan-out). */
  readonly durationMs: number;
  /** Messages pre-loaded for the backlog drain. */
  readonly drainMessages: number;
  /** Concurrent publishers (each its own connection) in publish, end-to-end and the drain's pre-load. */
  readonly publishers: number;
  /** Competing consumers (each its own connection) in end-to-end, latency and drain. */
  readonly consumers: number;
  readonly publishBatches: readonly number[];
  /** Publisher batch in end-to-end and fan-out. */
  readonly e2eBatch: number;
  readonly fanoutSubscriptions: number;
  /** Producers pause while the slowest subscription is this many messages behind. */
  readonly maxLag: number;
  /** Conveyor topic partitions. */
  readonly partitions: number;
}

const BASE = {
  publishers: 4,
  consumers: 4,
  publishBatches: [1, 10, 100],
  e2eBatch: 10,
  fanoutSubscriptions: 5,
  maxLag: 5000,
  partitions: 4,
} as const;

export const PROFILES = {
  /** Each timed phase lasts 10 s and the drain pre-loads 200k messages, as the issue asks. */
  full: { ...BASE, name: 'full', durationMs: 10_000, drainMessages: 200_000 },
  /** Under two minutes for all six systems. */
  quick: { ...BASE, name: 'quick', durationMs: 1_000, drainMessages: 10_000 },
  /** CI: proves the harness works, says nothing about speed. */
  smoke: { ...BASE, name: 'smoke', durationMs: 300, drainMessages: 200, publishBatches: [1, 10], maxLag: 500 },
} as const satisfies Record<string, Profile>;
