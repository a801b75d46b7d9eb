import type { BenchmarkResult } from '../runBenchmark.js';
import type { LatencySummary, Measurement } from '../types.js';

/** One goal of the second performance round, judged on one run. */
export interface GoalVerdict {
  readonly id: 'a' | 'b' | 'c' | 'd';
  readonly goal: string;
  /** The figures the verdict rests on. */
  readonly measured: string;
  /** Undefined when the run lacks a figure the goal needs (system skipped, scenario not run, smaller drain). */
  readonly met: boolean | undefined;
}

/** The rows the goals read (as the scenarios name them). */
export const GOAL_ROWS = {
  e2eBatch10: 'e2e',
  e2eEfficient: 'e2e batch 100, batched acks',
  latencyHalf: 'latency',
  fixedLoads: ['latency 1k/s', 'latency 5k/s'],
  drain: 'drain',
} as const;

const DRAIN_BACKLOG = 200_000;
const RSS_LIMIT_MB = 150;
const MIB_IN_MB = 2 ** 20 / 1e6;

type Finder = (system: string, row: string) => Measurement | undefined;

function finder(result: BenchmarkResult): Finder {
  return (system, row) => result.systems.find((candidate) => candidate.id === system)?.measurements.find((measurement) => measurement.row === row);
}

function times(mine: Measurement | undefined, theirs: Measurement | undefined): number | undefined {
  if (mine === undefined || theirs === undefined || theirs.msgsPerSec === 0) return undefined;
  return Math.round((mine.msgsPerSec / theirs.msgsPerSec) * 100) / 100;
}

/** `Conveyor ≥ factor × peer` for every peer; a missing peer figure leaves the verdict open. */
function throughputGoal(find: Finder, row: string, targets: readonly (readonly [peer: string, factor: number])[]): { measured: string; met: boolean | undefined } {
  const mine = find('conveyor-full', row);
  const parts: string[] = [];
  let met: boolean | undefined = mine === undefined ? undefined : true;
  for (const [peer, factor] of targets) {
    const ratio = times(mine, find(peer, row));
    parts.push(`${ratio === undefined ? '–' : `${ratio}×`} ${peer} (needs ${factor}×)`);
    if (ratio === undefined) met = undefined;
    else if (met !== undefined && ratio < factor) met = false;
  }
  return { measured: `FULL ${mine?.msgsPerSec ?? '–'} msg/s: ${parts.join(', ')}`, met };
}

function tail(latency: LatencySummary | undefined): string {
  return latency === undefined ? '–' : `p99 ${latency.p99} / p99.9 ${latency.p999} ms`;
}

/** Goal (c): FULL's tail at half its e2e rate, and GROUP's tail against FULL's at the same offered loads. */
function latencyGoal(find: Finder): { measured: string; met: boolean | undefined } {
  const half = find('conveyor-full', GOAL_ROWS.latencyHalf);
  const latency = half?.latencyMs;
  const parts = [`FULL at ${half?.extra?.['offeredRate'] ?? '–'} msg/s: ${tail(latency)} (needs p99 < 10, p99.9 < 25)`];
  let met: boolean | undefined = latency === undefined ? undefined : latency.p99 < 10 && latency.p999 < 25;
  for (const row of GOAL_ROWS.fixedLoads) {
    const full = find('conveyor-full', row)?.latencyMs;
    const group = find('conveyor-group', row)?.latencyMs;
    parts.push(`${row.replace('latency ', '')}: GROUP ${tail(group)} vs FULL ${tail(full)}`);
    if (full === undefined || group === undefined) met = undefined;
    else if (met !== undefined && (group.p99 > full.p99 || group.p999 > full.p999)) met = false;
  }
  return { measured: parts.join('; '), met };
}

/** Goal (d): FULL's peak RSS while a 200k backlog drains, in MB (the figure is recorded in MiB). */
function rssGoal(find: Finder): { measured: string; met: boolean | undefined } {
  const drain = find('conveyor-full', GOAL_ROWS.drain);
  const mib = drain?.broker?.peakRssMb;
  if (drain === undefined || mib === undefined) return { measured: '–', met: undefined };
  const mb = mib * MIB_IN_MB;
  const backlog = drain.messages;
  const measured = `FULL ${Math.round(mb)} MB (${Math.round(mib)} MiB) draining ${backlog} messages`;
  return { measured, met: backlog < DRAIN_BACKLOG ? undefined : mb < RSS_LIMIT_MB };
}

/**
 * The second round's goals judged on one run, for Conveyor FULL (the default,
 * every publish fsynced before its answer): (a) efficient-client e2e ≥ 1.2×
 * RabbitMQ classic and ≥ 1.0× quorum; (b) batch-10 e2e ≥ 1.2× both RabbitMQ
 * queue types and NATS JetStream; (c) p99 < 10 ms and p99.9 < 25 ms at half its
 * own e2e rate, GROUP's p99 and p99.9 no worse than FULL's at the same fixed
 * loads; (d) peak RSS < 150 MB while a 200k backlog drains.
 *
 * @example
 * for (const verdict of roundTwoGoals(result)) console.log(verdict.id, verdict.met);
 */
export function roundTwoGoals(result: BenchmarkResult): GoalVerdict[] {
  const find = finder(result);
  return [
    {
      id: 'a',
      goal: 'e2e with efficient clients ≥ 1.2× RabbitMQ classic and ≥ 1.0× quorum',
      ...throughputGoal(find, GOAL_ROWS.e2eEfficient, [
        ['rabbitmq-classic', 1.2],
        ['rabbitmq-quorum', 1.0],
      ]),
    },
    {
      id: 'b',
      goal: 'e2e batch 10 ≥ 1.2× every durable peer and NATS JetStream',
      ...throughputGoal(find, GOAL_ROWS.e2eBatch10, [
        ['rabbitmq-classic', 1.2],
        ['rabbitmq-quorum', 1.2],
        ['nats-jetstream', 1.2],
      ]),
    },
    { id: 'c', goal: 'p99 publish→deliver < 10 ms and p99.9 < 25 ms at half of FULL\'s own e2e rate; GROUP\'s tail no worse than FULL\'s', ...latencyGoal(find) },
    { id: 'd', goal: 'peak RSS < 150 MB during the 200k drain', ...rssGoal(find) },
  ];
}
