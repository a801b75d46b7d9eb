import type { BenchmarkResult } from '../runBenchmark.js';
import { SCALE_CLIENTS } from '../scenarios/scale.js';
import type { Measurement, SystemResult } from '../types.js';
import { markdownTable, percentilesCell, ratioCell, thousands } from './format.js';
import { GOAL_ROWS, roundTwoGoals } from './goals.js';

const DRAIN_PUBLISH_ROW = 'publish latency during drain';

function rowOf(system: SystemResult, row: string): Measurement | undefined {
  return system.measurements.find((measurement) => measurement.row === row);
}

function rateCell(measurement: Measurement | undefined): string {
  return measurement === undefined ? '–' : `${thousands(measurement.msgsPerSec)}/s`;
}

function mibCell(measurement: Measurement | undefined): string {
  const mib = measurement?.broker?.peakRssMb;
  return mib === undefined ? '–' : `${Math.round(mib)} MiB`;
}

function ratio(mine: Measurement | undefined, theirs: Measurement | undefined): number | undefined {
  if (mine === undefined || theirs === undefined || theirs.msgsPerSec === 0) return undefined;
  return Math.round((mine.msgsPerSec / theirs.msgsPerSec) * 100) / 100;
}

function endToEndTables(systems: readonly SystemResult[]): string[] {
  const rows = [GOAL_ROWS.e2eBatch10, GOAL_ROWS.e2eEfficient] as const;
  const throughput = markdownTable(
    ['msgs/s end to end (4P/4C)', ...systems.map((system) => system.label)],
    [
      ['batch 10, acks as scenario 2', ...systems.map((system) => rateCell(rowOf(system, rows[0])))],
      ['batch 100, batched acks', ...systems.map((system) => rateCell(rowOf(system, rows[1])))],
    ],
  );
  const peers = systems.filter((system) => !system.conveyor);
  const ratios = markdownTable(
    ['Conveyor ÷ peer (batch 10 / batch 100)', ...peers.map((peer) => peer.label)],
    systems
      .filter((system) => system.conveyor)
      .map((conveyor) => [
        conveyor.label,
        ...peers.map((peer) => rows.map((row) => ratioCell(ratio(rowOf(conveyor, row), rowOf(peer, row)))).join(' / ')),
      ]),
  );
  return ['End to end, efficient clients beside scenario 2\n', throughput, '', ratios];
}

function latencyTable(systems: readonly SystemResult[]): string[] {
  const rows = [...GOAL_ROWS.fixedLoads, GOAL_ROWS.latencyHalf];
  const cell = (measurement: Measurement | undefined): string =>
    measurement?.latencyMs === undefined ? '–' : `${percentilesCell(measurement.latencyMs)} @${thousands(Number(measurement.extra?.['offeredRate'] ?? measurement.msgsPerSec))}/s`;
  return [
    'Publish→deliver p50/p99/p99.9 at fixed offered loads and at half of each system\'s own e2e (batch 10)\n',
    markdownTable(
      ['offered', ...systems.map((system) => system.label)],
      rows.map((row) => [row === GOAL_ROWS.latencyHalf ? '½ own e2e' : row.replace('latency ', ''), ...systems.map((system) => cell(rowOf(system, row)))]),
    ),
  ];
}

function scaleTable(systems: readonly SystemResult[]): string[] {
  return [
    'Scale: msgs/s end to end with n publishers + n consumers (batch 10)\n',
    markdownTable(
      ['clients', ...systems.map((system) => system.label)],
      SCALE_CLIENTS.map((clients) => [String(clients), ...systems.map((system) => rateCell(rowOf(system, `scale ${clients} clients`)))]),
    ),
  ];
}

function drainTable(systems: readonly SystemResult[]): string[] {
  return [
    'Backlog drain: drain rate, broker peak RSS, and publish→ack latency of single publishes sent meanwhile\n',
    markdownTable(
      ['', ...systems.map((system) => system.label)],
      [
        ['drain', ...systems.map((system) => rateCell(rowOf(system, GOAL_ROWS.drain)))],
        ['peak RSS', ...systems.map((system) => mibCell(rowOf(system, GOAL_ROWS.drain)))],
        ['publish p50/p99/p99.9', ...systems.map((system) => percentilesCell(rowOf(system, DRAIN_PUBLISH_ROW)?.latencyMs))],
      ],
    ),
  ];
}

function verdict(met: boolean | undefined): string {
  return met === undefined ? 'not judged on this run (a figure is missing, or the drain was under 200k)' : met ? 'met' : 'NOT MET';
}

/** The second round's tables (efficient e2e with ratios, fixed-load latency, scale to 64 clients, drain) and its goals judged on this run. */
export function renderRoundTwo(result: BenchmarkResult): string {
  const systems = result.systems.filter((system) => system.measurements.length > 0);
  const parts = [...endToEndTables(systems), '', ...latencyTable(systems), '', ...scaleTable(systems), '', ...drainTable(systems), '', 'Round two goals (Conveyor FULL)\n'];
  for (const goal of roundTwoGoals(result)) parts.push(`- (${goal.id}) ${goal.goal}: ${verdict(goal.met)} — ${goal.measured}`);
  return parts.join('\n');
}
