import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs, stampedPayload } from '../payload.js';
import { perSecond } from '../stats.js';
import type { Measurement, Publisher } from '../types.js';
import { closeAll, Flow, openPublishers, startConsumers, waitFor } from './load.js';
import { measured, type ScenarioContext } from './Scenario.js';

/** Most messages one publish request carries when the schedule has fallen behind. */
const MAX_BATCH = 100;
const MAX_IN_FLIGHT = 64;
const TICK_MS = 1;

/**
 * Open-loop publishing at `rate` msg/s: every millisecond, the messages that
 * are due go out as one publish (usually a handful), without waiting for the
 * previous publish. Each message is stamped with the time it was *scheduled*,
 * not sent, so a stalled broker shows up as latency (no coordinated omission).
 */
async function publishAtRate(publishers: readonly Publisher[], rate: number, durationMs: number, flow: Flow): Promise<void> {
  const start = nowMs();
  const inFlight = new Set<Promise<void>>();
  let scheduled = 0;
  let turn = 0;
  let failure: unknown;
  while (nowMs() - start < durationMs && failure === undefined) {
    const due = Math.floor(((nowMs() - start) * rate) / 1000);
    while (scheduled < due && inFlight.size < MAX_IN_FLIGHT) {
      const size = Math.min(MAX_BATCH, due - scheduled);
      const payloads = Array.from({ length: size }, (_, i) => stampedPayload(start + ((scheduled + i) * 1000) / rate));
      scheduled += size;
      flow.sent += size;
      const publisher = publishers[turn++ % publishers.length]!;
      const sending = publisher.publish(payloads).then(
        () => {
          flow.acked += size;
        },
        (error: unknown) => {
          failure = error;
        },
      );
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
    await sleep(TICK_MS);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
}

/** Fixed offered loads (msg/s) measured for every system, beside half of its own end-to-end maximum. */
export const FIXED_LOADS = [1000, 5000] as const;

function rateLabel(rate: number): string {
  return rate % 1000 === 0 ? `${rate / 1000}k` : String(rate);
}

/** Publish→deliver percentiles at `rate` msg/s offered, open loop; the first 10% of the window is warm-up. */
async function latencyAt(context: ScenarioContext, rate: number, row: string, variant: string): Promise<Measurement> {
  const { driver, profile } = context;
  const target = await driver.create(context.topology(row.replace(/\W+/g, '_'), 1));
  const flow = new Flow(1, Number.POSITIVE_INFINITY);
  const consumers = await startConsumers(target, 1, profile.consumers, flow);
  const publishers = await openPublishers(target, profile.publishers);
  const { phase } = await measured(driver, async () => {
    flow.windowOpen = true;
    flow.latencyFrom = nowMs() + profile.durationMs * 0.1;
    await publishAtRate(publishers, rate, profile.durationMs, flow);
    await waitFor(() => flow.delivered[0]! >= flow.acked, 30_000, 'the last deliveries', consumers);
  });
  await sleep(10);
  await closeAll(publishers);
  await closeAll(consumers);
  await target.delete();
  const measurement: Measurement = {
    scenario: 'latency',
    row,
    variant,
    messages: flow.delivered[0]!,
    seconds: phase.ms / 1000,
    msgsPerSec: perSecond(flow.delivered[0]!, phase.ms),
    latencyMs: flow.latency.summary(),
    broker: phase.broker,
    clientCpuSeconds: phase.clientCpuSeconds,
    extra: { offeredRate: rate },
  };
  const latency = measurement.latencyMs;
  context.progress(`latency @${rate} msg/s: p50 ${latency?.p50 ?? '?'} ms, p99 ${latency?.p99 ?? '?'} ms, p99.9 ${latency?.p999 ?? '?'} ms`);
  return measurement;
}

/**
 * Scenario 3, latency: publish→deliver percentiles at fixed offered loads
 * (1k and 5k msg/s, rows `latency 1k/s` and `latency 5k/s`), then at half the
 * end-to-end maximum (batch 10) this system reached in the same run (row
 * `latency`). The consumers are the end-to-end ones (4, acking as scenario 2).
 */
export async function latencyAtLoads(context: ScenarioContext): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const rate of FIXED_LOADS) measurements.push(await latencyAt(context, rate, `latency ${rateLabel(rate)}/s`, `${rate} msg/s offered (fixed)`));
  const half = Math.max(10, Math.round((context.e2eMsgsPerSec ?? 0) / 2));
  measurements.push(await latencyAt(context, half, 'latency', `${half} msg/s offered (50% of e2e)`));
  return measurements;
}
