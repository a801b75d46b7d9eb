import type { Measurement } from '../types.js';
import { endToEndRun } from './endToEnd.js';
import type { ScenarioContext } from './Scenario.js';

/** Concurrent clients: n publishers and n competing consumers. */
export const SCALE_CLIENTS = [1, 4, 16, 32, 64] as const;
/** Topic partitions (Conveyor only; the peers' queues and streams have none). */
export const SCALE_PARTITIONS = [1, 4, 16] as const;

/**
 * Scale curves: end-to-end throughput (as scenario 2) against the number of
 * concurrent clients, at the profile's partitions; then, for systems with
 * partitions, against the number of partitions at the profile's clients. The
 * point both curves share is measured once.
 */
export async function scaleCurves(context: ScenarioContext): Promise<Measurement[]> {
  const { profile } = context;
  const measurements: Measurement[] = [];
  for (const clients of SCALE_CLIENTS) {
    const measurement = await endToEndRun(context, { scenario: 'scale', row: `scale ${clients} clients`, publishers: clients, consumers: clients, partitions: profile.partitions });
    context.progress(`scale, ${clients} publishers + ${clients} consumers: ${measurement.msgsPerSec} msg/s`);
    measurements.push(measurement);
  }
  if (!context.partitioned) return measurements;
  for (const partitions of SCALE_PARTITIONS.filter((count) => count !== profile.partitions)) {
    const measurement = await endToEndRun(context, { scenario: 'scale', row: `scale ${partitions} partitions`, publishers: profile.publishers, consumers: profile.consumers, partitions });
    context.progress(`scale, ${partitions} partitions: ${measurement.msgsPerSec} msg/s`);
    measurements.push(measurement);
  }
  return measurements;
}
