import { writeFileSync } from 'node:fs';

/** Counts of one backend's run. */
export interface BackendTally {
  requests: number;
  readonly byStatus: Record<string, number>;
  readonly byOperation: Record<string, number>;
  readonly byAim: Record<string, number>;
  snapshots: number;
  resets: number;
  /** Distinct failures: property title and the minimal counterexample. */
  readonly failures: string[];
  elapsedMs: number;
}

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const table = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');

/**
 * What the fuzzer did: requests by status, by the operation they reached and by
 * what they aimed at, snapshots taken, fixture resets, and failures. The jest
 * file prints the summary and writes `toJSON()` to conveyor-fuzz-<backend>.json.
 *
 * @example
 * fuzzTally.backend('sqlite').byStatus['400']; // how many requests got a 400
 */
export class FuzzTally {
  private readonly backends = new Map<string, BackendTally>();

  public constructor(public readonly seed: number) {}

  public backend(name: string): BackendTally {
    let tally = this.backends.get(name);
    if (tally === undefined) {
      tally = { requests: 0, byStatus: {}, byOperation: {}, byAim: {}, snapshots: 0, resets: 0, failures: [], elapsedMs: 0 };
      this.backends.set(name, tally);
    }
    return tally;
  }

  /** One fuzz request; `status` is undefined when there was no answer. */
  public request(backend: string, operation: string, aim: string, status: number | undefined): void {
    const tally = this.backend(backend);
    tally.requests += 1;
    bump(tally.byStatus, status === undefined ? 'no answer' : String(status));
    bump(tally.byOperation, operation);
    bump(tally.byAim, aim);
  }

  public toJSON(): { seed: number; backends: Record<string, BackendTally> } {
    return { seed: this.seed, backends: Object.fromEntries(this.backends) };
  }

  public summary(): string {
    const lines = [`Fuzzer summary (seed ${this.seed}; replay with FUZZ_SEED=${this.seed}):`];
    for (const [name, tally] of this.backends) {
      lines.push(
        `[${name}] ${tally.requests} requests in ${(tally.elapsedMs / 1000).toFixed(1)} s, ${tally.snapshots} snapshots, ${tally.resets} fixture resets, ${tally.failures.length} failing properties`,
        `  by status: ${table(tally.byStatus)}`,
        `  by operation: ${table(tally.byOperation)}`,
      );
      for (const failure of tally.failures) lines.push(`  FAILED ${failure}`);
    }
    return lines.join('\n');
  }

  public write(path: string): void {
    writeFileSync(path, `${JSON.stringify(this.toJSON(), null, 2)}\n`);
  }
}
