import type { BenchmarkResult } from '../runBenchmark.js';
import type { Measurement, SystemResult } from '../types.js';
import { markdownTable, percentilesCell, ratioCell, thousands } from './format.js';
import { renderRoundTwo } from './roundTwo.js';

function throughputCell(measurement: Measurement | undefined): string {
  if (measurement === undefined) return '–';
  const latency = measurement.latencyMs;
  if (latency !== undefined && (measurement.scenario === 'latency' || measurement.row === 'publish latency during drain')) return `${percentilesCell(latency)} @${thousands(measurement.msgsPerSec)}/s`;
  return `${thousands(measurement.msgsPerSec)}/s`;
}

function resourceCell(measurement: Measurement | undefined): string {
  if (measurement?.broker === undefined) return '–';
  return `${Math.round(measurement.broker.peakRssMb)} MiB, ${measurement.broker.cpuSeconds} s`;
}

function rowsOf(systems: readonly SystemResult[]): string[] {
  const rows: string[] = [];
  for (const system of systems) for (const measurement of system.measurements) if (!rows.includes(measurement.row)) rows.push(measurement.row);
  return rows;
}

function bySystem(result: BenchmarkResult, cell: (measurement: Measurement | undefined) => string): string {
  const systems = result.systems.filter((system) => system.measurements.length > 0);
  const rows = rowsOf(systems).map((row) => [row, ...systems.map((system) => cell(system.measurements.find((measurement) => measurement.row === row)))]);
  return markdownTable(['', ...systems.map((system) => system.label)], rows);
}

/** The side-by-side report: throughput (latency as p50/p99/p99.9), broker peak RSS and CPU, ratios, durability. */
export function renderReport(result: BenchmarkResult): string {
  const parts: string[] = [];
  parts.push(`Profile ${result.profile.name}: ${result.profile.durationMs / 1000} s per timed phase, ${result.profile.drainMessages} messages in the drain; ${result.machine.cpus} CPUs (${result.machine.note}).`);
  parts.push('\nmsgs/s (latency rows: publish→deliver p50/p99/p99.9 at 1k, 5k and 50% of that system\'s end-to-end maximum; publish latency during drain: publish→ack)\n');
  parts.push(bySystem(result, throughputCell));
  parts.push('\nBroker process: peak RSS, CPU seconds during the phase\n');
  parts.push(bySystem(result, resourceCell));
  if (result.comparisons.length > 0) {
    parts.push('\nConveyor ÷ peer, same run (throughput: >1 is better for Conveyor; p99, RSS, CPU/msg: <1 is better)\n');
    parts.push(
      markdownTable(
        ['Conveyor', 'peer', 'row', 'throughput', 'p99', 'peak RSS', 'CPU/msg'],
        result.comparisons.map((c) => [c.conveyor, c.peer, c.row, ratioCell(c.throughput), ratioCell(c.p99), ratioCell(c.peakRss), ratioCell(c.cpuPerMessage)]),
      ),
    );
  }
  parts.push(`\n${renderRoundTwo(result)}`);
  parts.push('\nDurability of an acknowledged publish\n');
  for (const system of result.systems) {
    const status = system.skipped !== undefined ? ` — NOT MEASURED: ${system.skipped}` : system.error !== undefined ? ` — ERRORS: ${system.error}` : '';
    parts.push(`- ${system.label}: ${system.durability}${status}`);
  }
  return parts.join('\n');
}
