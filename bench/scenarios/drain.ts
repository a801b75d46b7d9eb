import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs, stampedPayload } from '../payload.js';
import { LatencyRecorder, perSecond } from '../stats.js';
import type { Measurement, Publisher } from '../types.js';
import { closeAll, Flow, openPublishers, publishClaimed, startConsumers, waitFor } from './load.js';
import { measured, type ScenarioContext } from './Scenario.js';

const PRELOAD_BATCH = 100;
/** Single-message publishes per second sent while the backlog drains, to sample publish latency. */
export const DRAIN_PROBE_RATE = 100;
const PROBE_MAX_IN_FLIGHT = 256;

/**
 * Publishes one message at a time, open loop at {@link DRAIN_PROBE_RATE}/s, until
 * `stop()` resolves: each publish's latency runs from when it was *scheduled* to
 * the broker's acknowledgement, so a stalled broker shows as latency rather
 * than as fewer samples. Probe messages count as backlog the consumers drain.
 */
async function probePublishes(publisher: Publisher, flow: Flow, stop: () => boolean, latency: LatencyRecorder): Promise<void> {
  const start = nowMs();
  const inFlight = new Set<Promise<void>>();
  let scheduled = 0;
  let failure: unknown;
  while (!stop() && failure === undefined) {
    // The first probe goes out at once, so even a drain shorter than one interval is sampled.
    const due = Math.floor(((nowMs() - start) * DRAIN_PROBE_RATE) / 1000) + 1;
    while (scheduled < due && inFlight.size < PROBE_MAX_IN_FLIGHT) {
      const at = start + (scheduled * 1000) / DRAIN_PROBE_RATE;
      scheduled++;
      flow.sent++;
      const sending = publisher.publish([stampedPayload(at)]).then(
        () => {
          flow.acked++;
          latency.add(nowMs() - at);
        },
        (error: unknown) => {
          failure = error;
        },
      );
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
    await sleep(2);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
}

/**
 * Scenario 5, backlog drain: pre-load `drainMessages` (batches of 100 from
 * `publishers` publishers, no consumer running), then start `consumers`
 * competing consumers and time until every message is delivered and acked.
 * Broker RSS and CPU are those of the drain; the pre-load's are in `extra`.
 * While it drains, one more publisher sends single messages at
 * {@link DRAIN_PROBE_RATE}/s to the same topic; their publish latency is the
 * second row, and the drain waits for them too.
 */
export async function backlogDrain(context: ScenarioContext): Promise<Measurement[]> {
  const { driver, profile } = context;
  const total = profile.drainMessages;
  const target = await driver.create(context.topology('drain', 1));
  const flow = new Flow(1, Number.POSITIVE_INFINITY);
  const publishers = await openPublishers(target, profile.publishers);
  let remaining = total;
  const claim = (max: number): number => {
    const size = Math.min(max, remaining);
    remaining -= size;
    return size;
  };
  const preload = await measured(driver, () => Promise.all(publishers.map((publisher) => publishClaimed(publisher, PRELOAD_BATCH, claim, flow))));
  await closeAll(publishers);
  context.progress(`drain: pre-loaded ${total} messages (${perSecond(total, preload.phase.ms)} msg/s)`);

  let consumers: Awaited<ReturnType<typeof startConsumers>> = [];
  const [probe] = await openPublishers(target, 1);
  const probeLatency = new LatencyRecorder();
  let probeMs = 0;
  const drain = await measured(driver, async () => {
    flow.windowOpen = true;
    consumers = await startConsumers(target, 1, profile.consumers, flow);
    const probeStart = nowMs();
    let drained = false;
    const probing = probePublishes(probe!, flow, () => drained, probeLatency);
    try {
      await waitFor(() => flow.delivered[0]! >= total, Math.max(60_000, total), `${total} deliveries`, consumers);
    } finally {
      drained = true;
      await probing;
      probeMs = nowMs() - probeStart;
    }
    await waitFor(() => flow.delivered[0]! >= flow.acked, 30_000, 'the probe messages', consumers);
  });
  await closeAll([probe!]);
  await closeAll(consumers);
  await target.delete();
  const measurement: Measurement = {
    scenario: 'drain',
    row: 'drain',
    variant: `${total} backlog, ${profile.consumers}C`,
    messages: flow.delivered[0]!,
    seconds: drain.phase.ms / 1000,
    msgsPerSec: perSecond(flow.delivered[0]!, drain.phase.ms),
    broker: drain.phase.broker,
    clientCpuSeconds: drain.phase.clientCpuSeconds,
    extra: {
      preloadMsgsPerSec: perSecond(total, preload.phase.ms),
      preloadPeakRssMb: preload.phase.broker?.peakRssMb ?? 'n/a',
      preloadCpuSeconds: preload.phase.broker?.cpuSeconds ?? 'n/a',
      probeMessages: probeLatency.size,
    },
  };
  const probeSummary = probeLatency.summary();
  const probeRow: Measurement = {
    scenario: 'drain',
    row: 'publish latency during drain',
    variant: `batch 1 at ${DRAIN_PROBE_RATE}/s offered while ${total} drain`,
    messages: probeLatency.size,
    seconds: probeMs / 1000,
    msgsPerSec: perSecond(probeLatency.size, probeMs),
    ...(probeSummary === undefined ? {} : { latencyMs: probeSummary }),
    broker: drain.phase.broker,
    clientCpuSeconds: drain.phase.clientCpuSeconds,
    extra: { offeredRate: DRAIN_PROBE_RATE },
  };
  context.progress(
    `drain: ${measurement.msgsPerSec} msg/s, broker peak RSS ${drain.phase.broker?.peakRssMb ?? '?'} MiB; publish latency meanwhile p50 ${probeSummary?.p50 ?? '?'} / p99 ${probeSummary?.p99 ?? '?'} / p99.9 ${probeSummary?.p999 ?? '?'} ms`,
  );
  return [measurement, probeRow];
}
