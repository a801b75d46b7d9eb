import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILES } from '../../bench/profile.js';
import { writeResults } from '../../bench/report/writeResults.js';
import { renderReport } from '../../bench/report/table.js';
import { runBenchmark, type BenchmarkResult } from '../../bench/runBenchmark.js';
import { allSystems } from '../../bench/systems.js';
import type { Measurement } from '../../bench/types.js';

// CI keeps the harness compiling and working with tiny counts; it asserts the
// shape of the results, never speed. Peers that are down are skipped, so this
// passes with Conveyor alone.
const SMOKE_SYSTEMS = ['conveyor-full', 'rabbitmq-classic', 'redis-streams', 'nats-jetstream'];
const ROWS = ['publish batch 1', 'publish batch 10', 'drain', 'publish latency during drain'];
// Port 1 on loopback: nothing listens there, as when a peer is down in CI.
const UNREACHABLE_PEER = { ...allSystems().find((system) => system.id === 'redis-streams')!, id: 'peer-down', endpoint: { host: '127.0.0.1', port: 1 } };

function expectWellFormed(measurement: Measurement): void {
  expect(measurement.messages).toBeGreaterThan(0);
  expect(measurement.seconds).toBeGreaterThan(0);
  expect(measurement.msgsPerSec).toBeGreaterThan(0);
  expect(measurement.broker?.peakRssMb).toBeGreaterThan(0);
  expect(measurement.broker?.cpuSeconds).toBeGreaterThanOrEqual(0);
}

describe('Benchmark harness (smoke)', () => {
  let result: BenchmarkResult;
  let outDir: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'conveyor-bench-smoke-'));
    result = await runBenchmark({
      profile: PROFILES.smoke,
      systems: [...allSystems().filter((system) => SMOKE_SYSTEMS.includes(system.id)), UNREACHABLE_PEER],
      scenarios: ['publish', 'drain'],
      log: () => undefined,
    });
  }, 28_000);

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('measures Conveyor, run as its own server process, in every requested row', () => {
    const conveyor = result.systems.find((system) => system.id === 'conveyor-full');
    expect(conveyor?.skipped).toBeUndefined();
    expect(conveyor?.error).toBeUndefined();
    expect(conveyor?.measurements.map((measurement) => measurement.row)).toEqual(ROWS);
    conveyor?.measurements.forEach(expectWellFormed);
  });

  it('either measures each peer or says why it was skipped', () => {
    for (const peer of result.systems.filter((system) => !system.conveyor)) {
      if (peer.skipped !== undefined) {
        expect(peer.skipped).toMatch(/not reachable|cannot connect/);
        continue;
      }
      expect(peer.error).toBeUndefined();
      expect(peer.measurements.map((measurement) => measurement.row)).toEqual(ROWS);
      peer.measurements.forEach(expectWellFormed);
    }
  });

  it('skips a peer that does not answer and says so, without failing the run', () => {
    const down = result.systems.find((system) => system.id === 'peer-down');
    expect(down?.skipped).toBe('not reachable on 127.0.0.1:1; skipped');
    expect(down?.measurements).toEqual([]);
  });

  it('states the durability of every system', () => {
    for (const system of result.systems) expect(system.durability.length).toBeGreaterThan(10);
  });

  it('compares every Conveyor row with every measured peer', () => {
    const measuredPeers = result.systems.filter((system) => !system.conveyor && system.measurements.length > 0);
    expect(result.comparisons).toHaveLength(measuredPeers.length * ROWS.length);
    for (const comparison of result.comparisons) expect(comparison.throughput).toBeGreaterThan(0);
  });

  it('writes the run as JSON and renders the side-by-side table', () => {
    const path = writeResults(result, outDir);
    const written = JSON.parse(readFileSync(path, 'utf8')) as BenchmarkResult;
    expect(written.systems.map((system) => system.id)).toEqual([...SMOKE_SYSTEMS, 'peer-down']);
    expect(written.profile.name).toBe('smoke');
    expect(renderReport(result)).toContain('Conveyor FULL');
  });
});

describe('Benchmark harness (smoke): efficient clients and fixed loads', () => {
  it('measures end to end with batch 100 and batched acks, and publish→deliver latency at 1k, 5k and half the e2e rate', async () => {
    // Act
    const result = await runBenchmark({
      profile: PROFILES.smoke,
      systems: allSystems().filter((system) => ['conveyor-full', 'rabbitmq-classic'].includes(system.id)),
      scenarios: ['e2e', 'e2e-efficient', 'latency'],
      log: () => undefined,
    });

    // Assess
    for (const system of result.systems.filter((candidate) => candidate.skipped === undefined)) {
      expect(system.error).toBeUndefined();
      expect(system.measurements.map((measurement) => [measurement.row, measurement.extra?.['batch'] ?? measurement.extra?.['offeredRate']])).toEqual([
        ['e2e', 10],
        ['e2e batch 100, batched acks', 100],
        ['latency 1k/s', 1000],
        ['latency 5k/s', 5000],
        ['latency', Math.max(10, Math.round(system.measurements[0]!.msgsPerSec / 2))],
      ]);
      system.measurements.forEach(expectWellFormed);
      for (const measurement of system.measurements.slice(2)) expect(measurement.latencyMs?.samples).toBeGreaterThan(0);
    }
    expect(renderReport(result)).toContain('Round two goals (Conveyor FULL)');
  }, 28_000);
});

describe('Benchmark harness (smoke): scale curves', () => {
  it('measures end-to-end throughput at 1, 4, 16, 32 and 64 clients and, for Conveyor, at 1, 4 and 16 partitions', async () => {
    // Act
    // Phases of 600 ms, not the smoke profile's 300: with 128 clients at 64, one stall of the CI machine longer than a 300 ms window left a row without a delivery.
    const result = await runBenchmark({
      profile: { ...PROFILES.smoke, durationMs: 600 },
      systems: allSystems().filter((system) => system.id === 'conveyor-full'),
      scenarios: ['scale'],
      log: () => undefined,
    });

    // Assess
    const [conveyor] = result.systems;
    expect(conveyor?.error).toBeUndefined();
    expect(conveyor?.measurements.map((measurement) => [measurement.row, measurement.extra?.['partitions']])).toEqual([
      ['scale 1 clients', 4],
      ['scale 4 clients', 4],
      ['scale 16 clients', 4],
      ['scale 32 clients', 4],
      ['scale 64 clients', 4],
      ['scale 1 partitions', 1],
      ['scale 16 partitions', 16],
    ]);
    conveyor?.measurements.forEach(expectWellFormed);
  }, 28_000);
});
