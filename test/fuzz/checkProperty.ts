import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FuzzRequest, Generated } from './FuzzRequest.js';
import type { FuzzSession } from './FuzzSession.js';

/** How a run is sized and seeded; see fuzzSettings(). */
export interface FuzzSettings {
  /** Base seed: FUZZ_SEED, else a fixed one, so every run is the same unless asked otherwise. */
  readonly seed: number;
  /** fast-check runs per property on the embedded backend (FUZZ_RUNS). */
  readonly runs: number;
  /** ...and on the AWS backend on the emulator (FUZZ_AWS_RUNS). */
  readonly awsRuns: number;
  /** Requests per run at most: rejected ones share one before/after snapshot pair. */
  readonly batch: number;
  /** Where the counts are written as JSON: conveyor-fuzz-<backend>.json in FUZZ_REPORT_DIR (default: the temp directory). */
  readonly report: string;
}

const DEFAULT_SEED = 20_260_808;

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, but ${JSON.stringify(raw)} was provided`);
  return value;
}

export function fuzzSettings(backend: string): FuzzSettings {
  return {
    seed: intFromEnv('FUZZ_SEED', DEFAULT_SEED),
    runs: intFromEnv('FUZZ_RUNS', 3),
    awsRuns: intFromEnv('FUZZ_AWS_RUNS', 3),
    batch: intFromEnv('FUZZ_BATCH', 8),
    report: join(process.env['FUZZ_REPORT_DIR'] ?? tmpdir(), `conveyor-fuzz-${backend}.json`),
  };
}

/** A 32-bit seed per property (FNV-1a of its title), so adding one property does not change the others' requests. */
export function propertySeed(base: number, title: string): number {
  let hash = 0x811c9dc5 ^ base;
  for (const char of title) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash | 0;
}

/** Property executions spent shrinking a failure: each one replays requests and snapshots. */
const SHRINK_BUDGET = 40;

/** Cuts a list into batches of at most `size`. */
function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/**
 * Checks the properties on the examples (in batches), then on `runs` generated
 * batches of requests. A generated failure is shrunk (within a budget) to the
 * fewest and simplest requests that still fail; every failure is reported with
 * how to replay it.
 *
 * @example
 * await checkProperty({ title, session, generated: validRequests(ctx, op), runs: 4, batch: 6, seed: propertySeed(1, title), baseSeed: 1 });
 */
export async function checkProperty(options: {
  readonly title: string;
  readonly session: FuzzSession;
  readonly generated: Generated;
  readonly runs: number;
  readonly batch: number;
  readonly seed: number;
  readonly baseSeed: number;
  /** No new batch starts after this long: the property ends before jest's timeout rather than running on behind the next one. */
  readonly timeLimitMs?: number;
}): Promise<void> {
  let failed = false;
  let shrinking = 0;
  const examples = batches(options.generated.examples(), Math.max(1, options.batch)).map((batch): [FuzzRequest[]] => [batch]);
  const property = fc.asyncProperty(fc.array(options.generated.arbitrary, { minLength: 1, maxLength: Math.max(1, options.batch) }), async (requests) => {
    if (failed && (shrinking += 1) > SHRINK_BUDGET) return;
    try {
      await options.session.run(requests);
    } catch (error) {
      failed = true;
      throw error;
    }
  });
  const startedAt = Date.now();
  const details = await fc.check(property, {
    seed: options.seed,
    numRuns: examples.length + options.runs,
    examples,
    ...(options.timeLimitMs === undefined ? {} : { interruptAfterTimeLimit: options.timeLimitMs }),
  });
  // FUZZ_PROGRESS=1 prints each property's time as it ends (jest prints console output only per file).
  if (process.env['FUZZ_PROGRESS'] === '1') process.stderr.write(`fuzz: ${options.title} ${details.failed ? 'FAILED' : 'ok'}${details.interrupted ? ' (time limit)' : ''} in ${Date.now() - startedAt} ms\n`);
  if (!details.failed) return;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    [
      `${options.title}: a property does not hold.`,
      `Smallest failing batch found (after ${details.numShrinks} shrinks; the examples every run sends first are not shrunk), in order:`,
      ...(details.counterexample?.[0] ?? []).map((request, index) => `  ${index + 1}. ${request.describe()}`),
      '',
      error,
      '',
      `Replay: FUZZ_SEED=${options.baseSeed} (this property: fast-check seed ${details.seed}, path "${details.counterexamplePath ?? ''}").`,
    ].join('\n'),
  );
}
