import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs } from '../payload.js';
import { perSecond } from '../stats.js';
import type { Measurement } from '../types.js';
import { closeAll, Flow, openPublishers, publishUntil, startConsumers } from './load.js';
import { measured, type ScenarioContext } from './Scenario.js';

/**
 * Scenario 2, end-to-end throughput: `publishers` producers (batch `e2eBatch`)
 * and `consumers` competing consumers with manual acks, together. Producers
 * hold back while consumers are `maxLag` behind, so the figure is what the
 * system sustains, not how fast a backlog can grow. Counted: deliveries in the
 * window.
 */
export async function endToEndThroughput(context: ScenarioContext): Promise<Measurement[]> {
  const { driver, profile } = context;
  const target = await driver.create(context.topology('e2e', 1));
  const flow = new Flow(1, profile.maxLag);
  const consumers = await startConsumers(target, 1, profile.consumers, flow);
  const publishers = await openPublishers(target, profile.publishers);
  const { phase } = await measured(driver, async () => {
    flow.windowOpen = true;
    flow.latencyFrom = nowMs();
    const deadline = nowMs() + profile.durationMs;
    const producing = Promise.all(publishers.map((publisher) => publishUntil(publisher, profile.e2eBatch, deadline, flow)));
    await sleep(profile.durationMs);
    flow.windowOpen = false;
    await producing;
  });
  await closeAll(publishers);
  await closeAll(consumers);
  await target.delete();
  const delivered = flow.deliveredInWindow[0]!;
  const measurement: Measurement = {
    scenario: 'e2e',
    row: 'e2e',
    variant: `${profile.publishers}P/${profile.consumers}C batch ${profile.e2eBatch}`,
    messages: delivered,
    seconds: profile.durationMs / 1000,
    msgsPerSec: perSecond(delivered, profile.durationMs),
    latencyMs: flow.latency.summary(),
    broker: phase.broker,
    clientCpuSeconds: phase.clientCpuSeconds,
    extra: { publishedPerSec: perSecond(flow.acked, phase.ms), maxLag: profile.maxLag },
  };
  context.progress(`end-to-end: ${measurement.msgsPerSec} msg/s delivered+acked`);
  return [measurement];
}
