import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs } from '../payload.js';
import { perSecond } from '../stats.js';
import type { AckStyle, Measurement } from '../types.js';
import { closeAll, Flow, openPublishers, publishUntil, startConsumers } from './load.js';
import { measured, type ScenarioContext } from './Scenario.js';

export interface EndToEndShape {
  readonly scenario: string;
  readonly row: string;
  readonly publishers: number;
  readonly consumers: number;
  readonly partitions: number;
  /** Messages per publish; the profile's `e2eBatch` when absent. */
  readonly batch?: number;
  /** How consumers ack; `each` when absent. */
  readonly acks?: AckStyle;
}

/** Publish batch and consumer acking of the efficient-clients run. */
export const EFFICIENT_BATCH = 100;

/**
 * Producers (batch `e2eBatch`) and competing consumers with manual acks,
 * together. Producers hold back while consumers are `maxLag` behind, so the
 * figure is what the system sustains, not how fast a backlog can grow.
 * Counted: deliveries in the window.
 */
export async function endToEndRun(context: ScenarioContext, shape: EndToEndShape): Promise<Measurement> {
  const { driver, profile } = context;
  const batch = shape.batch ?? profile.e2eBatch;
  const acks = shape.acks ?? 'each';
  const target = await driver.create({ ...context.topology(shape.row.replace(/\W+/g, '_'), 1), partitions: shape.partitions });
  const flow = new Flow(1, profile.maxLag);
  const consumers = await startConsumers(target, 1, shape.consumers, flow, acks);
  const publishers = await openPublishers(target, shape.publishers);
  let phase;
  try {
    ({ phase } = await measured(driver, async () => {
      flow.windowOpen = true;
      flow.latencyFrom = nowMs();
      const deadline = nowMs() + profile.durationMs;
      const producing = Promise.all(publishers.map((publisher) => publishUntil(publisher, batch, deadline, flow)));
      // A publish failing during the window fails the scenario when awaited below, not the process as an unhandled rejection.
      producing.catch(() => undefined);
      await sleep(profile.durationMs);
      flow.windowOpen = false;
      await producing;
    }));
  } catch (error) {
    // Failed: stop every client so none keeps loading the broker during the next phases, then report the failure.
    await Promise.allSettled([closeAll(publishers), closeAll(consumers)]);
    throw error;
  }
  await closeAll(publishers);
  await closeAll(consumers);
  await target.delete();
  const delivered = flow.deliveredInWindow[0]!;
  return {
    scenario: shape.scenario,
    row: shape.row,
    variant: `${shape.publishers}P/${shape.consumers}C batch ${batch}, ${acks === 'each' ? '' : 'batched acks, '}${shape.partitions} partition(s)`,
    messages: delivered,
    seconds: profile.durationMs / 1000,
    msgsPerSec: perSecond(delivered, profile.durationMs),
    latencyMs: flow.latency.summary(),
    broker: phase.broker,
    clientCpuSeconds: phase.clientCpuSeconds,
    extra: { publishedPerSec: perSecond(flow.acked, phase.ms), maxLag: profile.maxLag, partitions: shape.partitions, batch, acks },
  };
}

/** Scenario 2, end-to-end throughput: the profile's publishers and consumers on one subscription. */
export async function endToEndThroughput(context: ScenarioContext): Promise<Measurement[]> {
  const { profile } = context;
  const measurement = await endToEndRun(context, { scenario: 'e2e', row: 'e2e', publishers: profile.publishers, consumers: profile.consumers, partitions: profile.partitions });
  context.progress(`end-to-end: ${measurement.msgsPerSec} msg/s delivered+acked`);
  return [measurement];
}

/**
 * End to end with efficient clients: the same shape as scenario 2, but each
 * publish carries 100 messages and consumers ack in bulk where the protocol
 * allows it (see {@link AckStyle}).
 */
export async function endToEndEfficient(context: ScenarioContext): Promise<Measurement[]> {
  const { profile } = context;
  const measurement = await endToEndRun(context, {
    scenario: 'e2e-efficient',
    row: `e2e batch ${EFFICIENT_BATCH}, batched acks`,
    publishers: profile.publishers,
    consumers: profile.consumers,
    partitions: profile.partitions,
    batch: EFFICIENT_BATCH,
    acks: 'batched',
  });
  context.progress(`end-to-end, batch ${EFFICIENT_BATCH} and batched acks: ${measurement.msgsPerSec} msg/s delivered+acked`);
  return [measurement];
}
