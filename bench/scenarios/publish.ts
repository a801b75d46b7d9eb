import { nowMs } from '../payload.js';
import { perSecond } from '../stats.js';
import type { Measurement } from '../types.js';
import { closeAll, Flow, openPublishers, publishUntil } from './load.js';
import { measured, type ScenarioContext } from './Scenario.js';

/**
 * Scenario 1, publish throughput: `publishers` concurrent publishers, each
 * with one batch of N in flight, for each batch size N; a message counts once
 * the broker has acknowledged it durably (as durable as the system allows).
 */
export async function publishThroughput(context: ScenarioContext): Promise<Measurement[]> {
  const { driver, profile } = context;
  const measurements: Measurement[] = [];
  for (const batch of profile.publishBatches) {
    const target = await driver.create(context.topology(`pub${batch}`, 1));
    const publishers = await openPublishers(target, profile.publishers);
    const flow = new Flow(1, Number.POSITIVE_INFINITY);
    const { phase } = await measured(driver, async () => {
      const deadline = nowMs() + profile.durationMs;
      await Promise.all(publishers.map((publisher) => publishUntil(publisher, batch, deadline, flow)));
    });
    await closeAll(publishers);
    await target.delete();
    const measurement: Measurement = {
      scenario: 'publish',
      row: `publish batch ${batch}`,
      variant: `batch ${batch}`,
      messages: flow.acked,
      seconds: phase.ms / 1000,
      msgsPerSec: perSecond(flow.acked, phase.ms),
      broker: phase.broker,
      clientCpuSeconds: phase.clientCpuSeconds,
      extra: { publishers: profile.publishers, batch },
    };
    context.progress(`publish batch ${batch}: ${measurement.msgsPerSec} msg/s`);
    measurements.push(measurement);
  }
  return measurements;
}
