import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs } from '../payload.js';
import { perSecond } from '../stats.js';
import type { Measurement } from '../types.js';
import { closeAll, Flow, openPublishers, publishUntil, startConsumers } from './load.js';
import { measured, type ScenarioContext } from './Scenario.js';

/**
 * Scenario 4, fan-out: one publisher (batch `e2eBatch`), `fanoutSubscriptions`
 * subscriptions each with one consumer acking what it gets. msgs/s counts
 * messages delivered to every subscription (the slowest one's deliveries);
 * `deliveriesPerSec` counts all deliveries.
 */
export async function fanOut(context: ScenarioContext): Promise<Measurement[]> {
  const { driver, profile } = context;
  const subscriptions = profile.fanoutSubscriptions;
  const target = await driver.create(context.topology('fan', subscriptions));
  const flow = new Flow(subscriptions, profile.maxLag);
  const consumers = await startConsumers(target, subscriptions, 1, flow);
  const [publisher] = await openPublishers(target, 1);
  const { phase } = await measured(driver, async () => {
    flow.windowOpen = true;
    flow.latencyFrom = nowMs();
    const producing = publishUntil(publisher!, profile.e2eBatch, nowMs() + profile.durationMs, flow);
    // A publish failing during the window fails the scenario when awaited below, not the process as an unhandled rejection.
    producing.catch(() => undefined);
    await sleep(profile.durationMs);
    flow.windowOpen = false;
    await producing;
  });
  await closeAll([publisher!]);
  await closeAll(consumers);
  await target.delete();
  const slowest = Math.min(...flow.deliveredInWindow);
  const all = flow.deliveredInWindow.reduce((sum, count) => sum + count, 0);
  const measurement: Measurement = {
    scenario: 'fanout',
    row: `fanout x${subscriptions}`,
    variant: `1P x ${subscriptions} subscriptions`,
    messages: slowest,
    seconds: profile.durationMs / 1000,
    msgsPerSec: perSecond(slowest, profile.durationMs),
    latencyMs: flow.latency.summary(),
    broker: phase.broker,
    clientCpuSeconds: phase.clientCpuSeconds,
    extra: { deliveriesPerSec: perSecond(all, profile.durationMs), publishedPerSec: perSecond(flow.acked, phase.ms) },
  };
  context.progress(`fan-out x${subscriptions}: ${measurement.msgsPerSec} msg/s to every subscription, ${perSecond(all, profile.durationMs)} deliveries/s`);
  return [measurement];
}
