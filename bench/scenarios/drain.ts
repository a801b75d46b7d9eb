import { perSecond } from '../stats.js';
import type { Measurement } from '../types.js';
import { closeAll, Flow, openPublishers, publishClaimed, startConsumers, waitFor } from './load.js';
import { measured, type ScenarioContext } from './Scenario.js';

const PRELOAD_BATCH = 100;

/**
 * Scenario 5, backlog drain: pre-load `drainMessages` (batches of 100 from
 * `publishers` publishers, no consumer running), then start `consumers`
 * competing consumers and time until every message is delivered and acked.
 * Broker RSS and CPU are those of the drain; the pre-load's are in `extra`.
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
  const drain = await measured(driver, async () => {
    flow.windowOpen = true;
    consumers = await startConsumers(target, 1, profile.consumers, flow);
    await waitFor(() => flow.delivered[0]! >= total, Math.max(60_000, total), `${total} deliveries`, consumers);
  });
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
    },
  };
  context.progress(`drain: ${measurement.msgsPerSec} msg/s, broker peak RSS ${drain.phase.broker?.peakRssMb ?? '?'} MiB`);
  return [measurement];
}
