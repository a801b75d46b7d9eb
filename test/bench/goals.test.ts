import { PROFILES } from '../../bench/profile.js';
import { roundTwoGoals } from '../../bench/report/goals.js';
import { renderRoundTwo } from '../../bench/report/roundTwo.js';
import type { BenchmarkResult } from '../../bench/runBenchmark.js';
import type { Measurement, SystemResult } from '../../bench/types.js';

function figure(row: string, msgsPerSec: number, more: Partial<Measurement> = {}): Measurement {
  return { scenario: row.split(' ')[0]!, row, variant: '', messages: msgsPerSec, seconds: 1, msgsPerSec, clientCpuSeconds: 0, ...more };
}

function latency(p99: number, p999: number, offeredRate = 1000): Partial<Measurement> {
  return { latencyMs: { p50: 1, p99, p999, max: p999, samples: 1000 }, extra: { offeredRate } };
}

function system(id: string, measurements: Measurement[]): SystemResult {
  return { id, label: id, durability: 'stated', conveyor: id.startsWith('conveyor'), measurements };
}

function run(systems: SystemResult[]): BenchmarkResult {
  return { startedAt: '', finishedAt: '', profile: PROFILES.full, scenarios: [], machine: { cpus: 2, cpuModel: '', memoryGb: 1, node: '', note: '' }, systems, comparisons: [] };
}

/** Peers at 10,000 msg/s in both e2e rows. */
const PEERS = ['rabbitmq-classic', 'rabbitmq-quorum', 'nats-jetstream'].map((id) => system(id, [figure('e2e', 10_000), figure('e2e batch 100, batched acks', 10_000)]));

function conveyor(overrides: { e2e?: number; efficient?: number; half?: [number, number]; group5k?: [number, number]; drainMib?: number; drained?: number } = {}): SystemResult[] {
  const full = system('conveyor-full', [
    figure('e2e', overrides.e2e ?? 12_000),
    figure('e2e batch 100, batched acks', overrides.efficient ?? 12_000),
    figure('latency 1k/s', 1000, latency(5, 10)),
    figure('latency 5k/s', 5000, latency(8, 20, 5000)),
    figure('latency', 6000, latency(...(overrides.half ?? [9, 24]), 6000)),
    figure('drain', 30_000, { messages: overrides.drained ?? 200_100, broker: { peakRssMb: overrides.drainMib ?? 140, cpuSeconds: 1 } }),
  ]);
  const group = system('conveyor-group', [figure('latency 1k/s', 1000, latency(5, 10)), figure('latency 5k/s', 5000, latency(...(overrides.group5k ?? [8, 20]), 5000))]);
  return [full, group];
}

function verdicts(result: BenchmarkResult): Record<string, boolean | undefined> {
  return Object.fromEntries(roundTwoGoals(result).map((goal) => [goal.id, goal.met]));
}

describe('Round two goals, judged on a run', () => {
  it('meets every goal when Conveyor FULL clears each threshold', () => {
    // Act
    const judged = verdicts(run([...conveyor(), ...PEERS]));

    // Assess
    expect(judged).toEqual({ a: true, b: true, c: true, d: true });
  });

  it('misses (a) below 1.2× RabbitMQ classic with efficient clients, and (b) below 1.2× any peer at batch 10', () => {
    // Act
    const judged = verdicts(run([...conveyor({ efficient: 11_900, e2e: 11_000 }), ...PEERS]));

    // Assess
    expect([judged['a'], judged['b']]).toEqual([false, false]);
  });

  it('misses (c) when FULL\'s p99.9 at half its e2e rate reaches 25 ms, or GROUP\'s tail is worse than FULL\'s at a fixed load', () => {
    // Act
    const slowFull = verdicts(run([...conveyor({ half: [9, 25] }), ...PEERS]));
    const slowGroup = verdicts(run([...conveyor({ group5k: [8, 21] }), ...PEERS]));

    // Assess
    expect([slowFull['c'], slowGroup['c']]).toEqual([false, false]);
  });

  it('reads peak RSS in MB: 143.1 MiB (150.05 MB) misses (d)', () => {
    // Act
    const judged = verdicts(run([...conveyor({ drainMib: 143.1 }), ...PEERS]));

    // Assess
    expect(judged['d']).toBe(false);
  });

  it('leaves a goal unjudged when the run lacks its figures: a peer skipped, or a drain smaller than 200k', () => {
    // Act
    const judged = verdicts(run([...conveyor({ drained: 10_100 }), ...PEERS.filter((peer) => peer.id !== 'rabbitmq-quorum')]));

    // Assess
    expect(judged).toEqual({ a: undefined, b: undefined, c: true, d: undefined });
  });

  it('reports the verdicts with the figures and the ratios they rest on', () => {
    // Act
    const text = renderRoundTwo(run([...conveyor({ efficient: 11_900 }), ...PEERS]));

    // Assess
    expect(text).toContain('(a) e2e with efficient clients ≥ 1.2× RabbitMQ classic and ≥ 1.0× quorum: NOT MET — FULL 11900 msg/s: 1.19× rabbitmq-classic (needs 1.2×)');
    expect(text).toMatch(/\| conveyor-full +\| 1\.2× \/ 1\.19× +\|/);
  });
});
