import { cpus, totalmem } from 'node:os';
import type { Profile } from './profile.js';
import { comparisons, type Comparison } from './report/ratios.js';
import { backlogDrain } from './scenarios/drain.js';
import { endToEndEfficient, endToEndThroughput } from './scenarios/endToEnd.js';
import { fanOut } from './scenarios/fanout.js';
import { latencyAtLoads } from './scenarios/latency.js';
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

const RUNNERS: Record<ScenarioId, (context: ScenarioContext) => Promise<Measurement[]>> = {
  publish: publishThroughput,
  e2e: endToEndThroughput,
  'e2e-efficient': endToEndEfficient,
  latency: latencyAtLoads,
  fanout: fanOut,
  drain: backlogDrain,
  scale: scaleCurves,
};

let runCounter = 0;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the scenarios against one system; a failing scenario is recorded and the rest still run. */
async function runSystem(system: SystemSpec, options: BenchmarkOptions): Promise<SystemResult> {
  const base = { id: system.id, label: system.label, durability: system.durability, conveyor: system.conveyor };
  const log = (line: string): void => options.log(`[${system.id}] ${line}`);
  if (system.endpoint !== undefined && !(await isReachable(system.endpoint.host, system.endpoint.port))) {
    const skipped = `not reachable on ${system.endpoint.host}:${system.endpoint.port}; skipped`;
    log(skipped);
    return { ...base, skipped, measurements: [] };
  }
  let driver: Driver;
  try {
    driver = await system.open();
  } catch (error) {
    log(`cannot connect: ${errorText(error)}; skipped`);
    return { ...base, skipped: `cannot connect: ${errorText(error)}`, measurements: [] };
  }
  const measurements: Measurement[] = [];
  const errors: string[] = [];
  const run = `${process.pid.toString(36)}${(runCounter++).toString(36)}${Date.now().toString(36)}`;
  const context: ScenarioContext = {
    driver,
    profile: options.profile,
    topology: (scenario, subscriptions) => ({ name: `bench_${scenario}_${run}`, subscriptions, partitions: options.profile.partitions }),
    partitioned: system.conveyor,
    progress: log,
  };
  // Latency runs at half the end-to-end maximum, so end-to-end runs first whenever latency is asked for.
  const scenarios = options.scenarios.includes('latency') && !options.scenarios.includes('e2e') ? ['e2e' as const, ...options.scenarios] : options.scenarios;
  try {
    for (const scenario of scenarios) {
      try {
        const results = await RUNNERS[scenario](context);
        if (scenario === 'e2e') context.e2eMsgsPerSec = results[0]?.msgsPerSec;
        measurements.push(...results);
      } catch (error) {
        errors.push(`${scenario}: ${errorText(error)}`);
        log(`${scenario} failed: ${errorText(error)}`);
      }
    }
  } finally {
    await driver.close().catch((error: unknown) => log(`close failed: ${errorText(error)}`));
  }
  return errors.length === 0 ? { ...base, measurements } : { ...base, error: errors.join('; '), measurements };
}

/**
 * Runs every scenario against every system, one system at a time, and pairs
 * Conveyor's figures with each peer's.
 *
 * @example
 * const result = await runBenchmark({ profile: PROFILES.quick, systems: allSystems(), scenarios: ['publish', 'e2e'], log: console.log });
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const startedAt = new Date().toISOString();
  const systems: SystemResult[] = [];
  for (const system of options.systems) systems.push(await runSystem(system, options));
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
