import type { Measurement, SystemResult } from '../types.js';

/** One Conveyor figure beside one peer's figure of the same row. */
export interface Comparison {
  readonly conveyor: string;
  readonly peer: string;
  readonly row: string;
  /** Conveyor msgs/s ÷ peer msgs/s: above 1 means Conveyor moved more. */
  readonly throughput: number;
  /** Conveyor p99 ÷ peer p99 (publish→deliver): below 1 means Conveyor was faster. */
  readonly p99?: number;
  /** Conveyor peak RSS ÷ peer peak RSS: below 1 means Conveyor used less memory. */
  readonly peakRss?: number;
  /** Conveyor broker CPU seconds per message ÷ the peer's: below 1 means Conveyor spent less CPU per message. */
  readonly cpuPerMessage?: number;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined;
  return Math.round((a / b) * 100) / 100;
}

function cpuPerMessage(measurement: Measurement): number | undefined {
  return measurement.broker === undefined || measurement.messages === 0 ? undefined : measurement.broker.cpuSeconds / measurement.messages;
}

/** Pairs every Conveyor measurement with every measured peer's measurement of the same row. */
export function comparisons(systems: readonly SystemResult[]): Comparison[] {
  const result: Comparison[] = [];
  const peers = systems.filter((system) => !system.conveyor && system.measurements.length > 0);
  for (const conveyor of systems.filter((system) => system.conveyor)) {
    for (const mine of conveyor.measurements) {
      for (const peer of peers) {
        const theirs = peer.measurements.find((measurement) => measurement.row === mine.row);
        if (theirs === undefined) continue;
        const comparison: Comparison = {
          conveyor: conveyor.id,
          peer: peer.id,
          row: mine.row,
          throughput: ratio(mine.msgsPerSec, theirs.msgsPerSec) ?? Number.NaN,
          p99: ratio(mine.latencyMs?.p99, theirs.latencyMs?.p99),
          peakRss: ratio(mine.broker?.peakRssMb, theirs.broker?.peakRssMb),
          cpuPerMessage: ratio(cpuPerMessage(mine), cpuPerMessage(theirs)),
        };
        result.push(comparison);
      }
    }
  }
  return result;
}
