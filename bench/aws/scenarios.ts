import { kibibyteBody, type BodyKind } from './bodies.js';
import type { CostDeployment } from './deployment.js';
import type { Usage } from './usage.js';

/** What one measured phase used, over how many messages. */
export interface Measurement {
  readonly messages: number;
  readonly usage: Usage;
  /** AWS requests per `caller:Service.Operation`, over all the phase's messages. */
  readonly requests: Readonly<Record<string, number>>;
  /** HTTP API calls the phase made. */
  readonly httpCalls: number;
}

export const PUBLISH_BATCHES = [1, 10, 100] as const;
export const PULL_BATCHES = [1, 10, 100] as const;
export const SUBSCRIPTION_COUNTS = [1, 3, 10] as const;
/** Partitions of every measured topic. */
export const PARTITIONS = 4;

/**
 * Messages published in one run at `batch`: `messages`, but at most 20 calls'
 * worth. Every publish call of a run is alike, and moto copies every table on
 * each transaction (see emulator/moto_clock_server.py), so a run of 100 single
 * publishes would cost minutes and teach nothing more than 20.
 */
export function runMessages(messages: number, batch: number): number {
  return Math.min(messages, 20 * batch);
}

/** What the meter counted since its last take, as a phase of `messages` messages and `httpCalls` API calls. */
export function take(deployment: CostDeployment, messages: number, httpCalls: number): Measurement {
  const { usage, requests } = deployment.meter.take();
  return { messages, usage, requests, httpCalls };
}

/** Publishes `messages` 1 KiB messages (keys over 20 values, bodies of `body`'s kind) to `topic` in calls of `batch`; answers the number of calls. */
export async function publishAll(deployment: CostDeployment, topic: string, messages: number, batch: number, extra: Record<string, unknown> = {}, body: BodyKind = 'order-event'): Promise<number> {
  let calls = 0;
  for (let start = 0; start < messages; start += batch) {
    const count = Math.min(batch, messages - start);
    const request = { messages: Array.from({ length: count }, (_unused, offset) => ({ key: `customer-${(start + offset) % 20}`, body: kibibyteBody(start + offset, body), ...extra })) };
    await deployment.call('POST', `/v1/topics/${topic}/messages`, request);
    calls += 1;
  }
  return calls;
}

/** A topic of PARTITIONS partitions with subscriptions s0…s<n-1> (no filter); the setup's usage is dropped. */
export async function createTopic(deployment: CostDeployment, topic: string, subscriptions: number): Promise<void> {
  await deployment.call('PUT', `/v1/topics/${topic}`, { partitions: PARTITIONS, retentionHours: 24, dedupWindowSeconds: 3600 });
  for (let index = 0; index < subscriptions; index += 1) await deployment.call('PUT', `/v1/topics/${topic}/subscriptions/s${index}`, {});
  await deployment.runner.settle();
  deployment.meter.take(); // setup is not per message
}

export interface FanOutMeasurement {
  readonly subscriptions: number;
  readonly batch: number;
  /** The API call that publishes: API Gateway, the API function, DynamoDB. */
  readonly publish: Measurement;
  /** The stream relay and the copies EventBridge's rules put in the subscription queues. */
  readonly fanOut: Measurement;
}

/**
 * Publish and fan-out: for each subscription count a topic with that many
 * subscriptions (no filter), published to at each batch size; then the runner
 * relays, the rules deliver packs to the pack inbox, and the unpacker queues
 * their messages. EventBridge's sends to the inbox happen inside the service
 * and no client sees them: the deployment's unpacker counts them as it
 * receives them, each pack billed per 64 KB.
 */
export async function measureFanOut(deployment: CostDeployment, messages: number, progress: (line: string) => void): Promise<{ fanOut: FanOutMeasurement[]; pullAck: Measurement[] }> {
  const fanOut: FanOutMeasurement[] = [];
  let pullAck: Measurement[] = [];
  for (const subscriptions of SUBSCRIPTION_COUNTS) {
    const topic = `fanout-${subscriptions}`;
    await createTopic(deployment, topic, subscriptions);
    for (const batch of PUBLISH_BATCHES) {
      const count = runMessages(messages, batch);
      const queuedBefore = await deployment.queuedMessages();
      const calls = await publishAll(deployment, topic, count, batch);
      const publish = take(deployment, count, calls);
      await deployment.runner.settle(true);
      const delivered = (await deployment.queuedMessages()) - queuedBefore;
      if (delivered !== count * subscriptions) throw new Error(`expected ${count * subscriptions} copies in the queues of ${topic}, found ${delivered}`);
      fanOut.push({ subscriptions, batch, publish, fanOut: take(deployment, count, 0) });
      progress(`  fan-out  N=${String(subscriptions).padStart(2)} batch=${String(batch).padStart(3)}: ${count} messages in ${calls} publish calls, ${delivered} copies delivered`);
    }
    // Three subscriptions with the same backlog: one drained at each pull batch size.
    if (subscriptions === PULL_BATCHES.length) pullAck = await measurePullAck(deployment, topic, messages, progress);
    await deployment.call('DELETE', `/v1/topics/${topic}`);
    deployment.meter.take();
  }
  return { fanOut, pullAck };
}

/** Reads `messages` messages of subscription s<i> with pulls of PULL_BATCHES[i], acking each pull's messages in one call. */
async function measurePullAck(deployment: CostDeployment, topic: string, messages: number, progress: (line: string) => void): Promise<Measurement[]> {
  const results: Measurement[] = [];
  deployment.meter.take();
  for (const [index, max] of PULL_BATCHES.entries()) {
    let received = 0;
    let calls = 0;
    // The backlog holds every publish run's messages; a sample of `messages` is enough for the ratio and keeps max=1 short.
    while (received < messages) {
      const pulled = await deployment.call('POST', `/v1/topics/${topic}/subscriptions/s${index}/pull`, { max: Math.min(max, messages - received), waitSeconds: 0 });
      calls += 1;
      const ackIds = (pulled.body.messages as Array<{ ackId: string }>).map((message) => message.ackId);
      if (ackIds.length === 0) break;
      received += ackIds.length;
      const acked = await deployment.call('POST', `/v1/topics/${topic}/subscriptions/s${index}/ack`, { ackIds });
      calls += 1;
      if (acked.body.failed?.length > 0) throw new Error(`acks failed: ${JSON.stringify(acked.body.failed)}`);
    }
    results.push(take(deployment, received, calls));
    progress(`  pull+ack max=${String(max).padStart(3)}: ${received} messages in ${calls} calls`);
  }
  return results;
}

export interface DelayedMeasurement {
  readonly delaySeconds: number;
  readonly batch: number;
  /** The publish call: the log's dedup/marker writes and the send to the delay queue (or the schedule). */
  readonly publish: Measurement;
  /** From the publish to the queues: Scheduler, the delay queue's event source, the delay consumer's append, the relay. */
  readonly release: Measurement;
}

/**
 * Delayed delivery to one subscription: published with a delay at each batch
 * size, then the clock moves past the due time and the runner settles. A delay
 * within 15 minutes rides the delay queue; a longer one gets a one-time
 * Scheduler schedule that hands it to the delay queue 10 minutes early.
 */
export async function measureDelayed(deployment: CostDeployment, messages: number, delays: readonly number[], progress: (line: string) => void): Promise<DelayedMeasurement[]> {
  const results: DelayedMeasurement[] = [];
  for (const delaySeconds of delays) {
    const topic = `delayed-${delaySeconds}`;
    await createTopic(deployment, topic, 1);
    // A long delay differs from a short one only on the way to the delay queue (one schedule per message, whatever the batch): one batch size keeps the run short.
    for (const batch of delaySeconds > 900 ? [10] : PUBLISH_BATCHES) {
      const count = runMessages(messages, batch);
      const queuedBefore = await deployment.queuedMessages();
      const calls = await publishAll(deployment, topic, count, batch, { delaySeconds });
      const publish = take(deployment, count, calls);
      // Scheduler hands a long delay over 10 minutes before it is due; then the delay queue holds it until due.
      if (delaySeconds > 900) {
        await deployment.clock.advance((delaySeconds - 590) * 1000);
        await deployment.runner.settle(true);
      }
      await deployment.clock.advance(Math.min(delaySeconds, 900) * 1000 + 2000);
      await deployment.runner.settle(true);
      const delivered = (await deployment.queuedMessages()) - queuedBefore;
      if (delivered !== count) throw new Error(`expected ${count} delayed messages in ${topic}'s queue, found ${delivered}`);
      results.push({ delaySeconds, batch, publish, release: take(deployment, count, 0) });
      progress(`  delayed  ${delaySeconds}s batch=${String(batch).padStart(3)}: ${count} messages in ${calls} publish calls, ${delivered} released`);
    }
    await deployment.call('DELETE', `/v1/topics/${topic}`);
    deployment.meter.take();
  }
  return results;
}
