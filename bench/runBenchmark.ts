import { cpus, totalmem } from 'node:os';
import type { Profile } from './profile.js';
import { comparisons, type Comparison } from './report/ratios.js';
import { backlogDrain } from './scenarios/drain.js';
import { endToEndEfficient, endToEndThroughput } from './scenarios/endToEnd.js';
import { fanOut } from './scenarios/fanout.js';
import { interleavedLatency, latencyRows } from './scenarios/latency.js';
import { publishThroughput } from './scenarios/publish.js';
import { scaleCurves } from './scenarios/scale.js';
import type { ScenarioContext, ScenarioId } from './scenarios/Scenario.js';
import { isReachable } from './system/processes.js';
import type { Driver, Measurement, SystemResult, SystemSpec } from './types.js';

export interface BenchmarkOptions {
  readonly profile: Profile;
  readonly systems: readonly SystemSpec[];
  readonly scenarios: readonly ScenarioId[];
  /** Progress lines (the terminal, or nothing in tests). */
  readonly log: (line: string) => void;
}

export interface BenchmarkResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly profile: Profile;
  readonly scenarios: readonly ScenarioId[];
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memoryGb: number; readonly node: string; readonly note: string };
  readonly systems: SystemResult[];
  /** Every Conveyor figure as a ratio to every peer's figure of the same row. */
  readonly comparisons: Comparison[];
}

const RUNNERS: Record<Exclude<ScenarioId, 'latency'>, (context: ScenarioContext) => Promise<Measurement[]>> = {
  publish: publishThroughput,
  e2e: endToEndThroughput,
  'e2e-efficient': endToEndEfficient,
  fanout: fanOut,
  drain: backlogDrain,
  scale: scaleCurves,
};

let runCounter = 0;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A system being measured: its driver stays open from its first scenario to its last. */
interface Session {
  readonly system: SystemSpec;
  readonly context: ScenarioContext;
  readonly measurements: Measurement[];
  readonly errors: string[];
}

type Opened = { readonly session: Session } | { readonly skipped: SystemResult };

/** Connects to (or starts) a system; an unreachable one is reported as skipped. */
async function open(system: SystemSpec, options: BenchmarkOptions): Promise<Opened> {
  const base = { id: system.id, label: system.label, durability: system.durability, conveyor: system.conveyor };
  const log = (line: string): void => options.log(`[${system.id}] ${line}`);
  if (system.endpoint !== undefined && !(await isReachable(system.endpoint.host, system.endpoint.port))) {
    const skipped = `not reachable on ${system.endpoint.host}:${system.endpoint.port}; skipped`;
    log(skipped);
    return { skipped: { ...base, skipped, measurements: [] } };
  }
  let driver: Driver;
  try {
    driver = await system.open();
  } catch (error) {
    log(`cannot connect: ${errorText(error)}; skipped`);
    return { skipped: { ...base, skipped: `cannot connect: ${errorText(error)}`, measurements: [] } };
  }
  const run = `${process.pid.toString(36)}${(runCounter++).toString(36)}${Date.now().toString(36)}`;
  const context: ScenarioContext = {
    driver,
    profile: options.profile,
    topology: (scenario, subscriptions) => ({ name: `bench_${scenario}_${run}`, subscriptions, partitions: options.profile.partitions }),
    partitioned: system.conveyor,
    progress: log,
  };
  return { session: { system, context, measurements: [], errors: [] } };
}

/** Runs scenarios against one system, in order; a failing scenario is recorded and the rest still run. */
async function runScenarios(session: Session, scenarios: readonly Exclude<ScenarioId, 'latency'>[]): Promise<void> {
  const { context } = session;
  for (const scenario of scenarios) {
    try {
      const results = await RUNNERS[scenario](context);
      if (scenario === 'e2e') context.e2eMsgsPerSec = results[0]?.msgsPerSec;
      session.measurements.push(...results);
    } catch (error) {
      session.errors.push(`${scenario}: ${errorText(error)}`);
      context.progress(`${scenario} failed: ${errorText(error)}`);
    }
  }
}

/** The latency rows of every session, in rounds interleaved between the systems (interleavedLatency). */
async function runLatency(sessions: readonly Session[], profile: Profile): Promise<void> {
  const outcomes = await interleavedLatency(
    sessions.map((session) => ({ context: session.context, rows: latencyRows(session.context.e2eMsgsPerSec) })),
    profile,
  );
  for (const [index, outcome] of outcomes.entries()) {
    const session = sessions[index]!;
    if (outcome instanceof Error) session.errors.push(`latency: ${outcome.message}`);
    else session.measurements.push(...outcome);
  }
}

function resultOf(session: Session): SystemResult {
  const { system, measurements, errors } = session;
  const base = { id: system.id, label: system.label, durability: system.durability, conveyor: system.conveyor, measurements };
  return errors.length === 0 ? base : { ...base, error: errors.join('; ') };
}

/**
 * Runs every scenario against every system and pairs Conveyor's figures with
 * each peer's. Every system is connected (a Conveyor server started) first
 * and stays so to the end. The scenarios before `latency` run one system at a
 * time, then the latency rows in rounds interleaved between the systems
 * (interleavedLatency), then the scenarios after it, one system at a time: each
 * system still runs its scenarios in the order asked, against one process.
 *
 * @example
 * const result = await runBenchmark({ profile: PROFILES.quick, systems: allSystems(), scenarios: ['publish', 'e2e'], log: console.log });
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const startedAt = new Date().toISOString();
  // Latency runs at half the end-to-end maximum, so end-to-end runs first whenever latency is asked for.
  const scenarios = options.scenarios.includes('latency') && !options.scenarios.includes('e2e') ? ['e2e' as const, ...options.scenarios] : options.scenarios;
  const split = scenarios.indexOf('latency');
  const perSystem = (from: number, to: number): Exclude<ScenarioId, 'latency'>[] =>
    scenarios.slice(from, to).filter((scenario): scenario is Exclude<ScenarioId, 'latency'> => scenario !== 'latency');
  const opened: Opened[] = [];
  try {
    for (const system of options.systems) opened.push(await open(system, options));
    const sessions = opened.flatMap((entry) => ('session' in entry ? [entry.session] : []));
    for (const session of sessions) await runScenarios(session, perSystem(0, split < 0 ? scenarios.length : split));
    if (split >= 0) {
      await runLatency(sessions, options.profile);
      for (const session of sessions) await runScenarios(session, perSystem(split + 1, scenarios.length));
    }
  } finally {
    for (const entry of opened) {
      if ('session' in entry) await entry.session.context.driver.close().catch((error: unknown) => entry.session.context.progress(`close failed: ${errorText(error)}`));
    }
  }
  const systems = opened.map((entry) => ('session' in entry ? resultOf(entry.session) : entry.skipped));
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    profile: options.profile,
    scenarios: options.scenarios,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      note: 'load generator (this process) and the broker share the same cores',
    },
    systems,
    comparisons: comparisons(systems),
  };
}
