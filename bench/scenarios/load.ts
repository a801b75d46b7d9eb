import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs, sentAt, stampedBatch } from '../payload.js';
import { LatencyRecorder } from '../stats.js';
import type { AckStyle, Consumer, Payload, Publisher, Target } from '../types.js';

/**
 * Counts what was sent and delivered per subscription, so producers can hold
 * back when consumers fall behind (`maxLag`): end-to-end figures then measure a
 * steady state instead of a growing backlog.
 */
export class Flow {
  sent = 0;
  acked = 0;
  readonly delivered: number[];
  /** Deliveries counted inside the measuring window, per subscription. */
  readonly deliveredInWindow: number[];
  readonly latency = new LatencyRecorder();
  windowOpen = false;
  /** Only messages stamped at or after this time count for latency (skips warm-up). */
  latencyFrom = 0;

  constructor(
    subscriptions: number,
    private readonly maxLag: number,
  ) {
    this.delivered = new Array<number>(subscriptions).fill(0);
    this.deliveredInWindow = new Array<number>(subscriptions).fill(0);
  }

  /** Messages sent but not yet delivered to the slowest subscription. */
  lag(): number {
    return this.sent - Math.min(...this.delivered);
  }

  hasRoom(): boolean {
    return this.lag() < this.maxLag;
  }

  /** The delivery callback for subscription `index`. */
  onDelivered(index: number): (payloads: readonly Payload[]) => void {
    return (payloads) => {
      this.delivered[index]! += payloads.length;
      if (!this.windowOpen) return;
      this.deliveredInWindow[index]! += payloads.length;
      const now = nowMs();
      for (const payload of payloads) {
        const stamp = sentAt(payload);
        if (stamp >= this.latencyFrom) this.latency.add(now - stamp);
      }
    };
  }
}

/** Publishes batches of `batch` stamped payloads back to back until `deadline` (closed loop, one batch in flight per publisher). */
export async function publishUntil(publisher: Publisher, batch: number, deadline: number, flow: Flow): Promise<void> {
  while (nowMs() < deadline) {
    if (!flow.hasRoom()) {
      await sleep(1);
      continue;
    }
    flow.sent += batch;
    await publisher.publish(stampedBatch(batch));
    flow.acked += batch;
  }
}

/** Publishes batches of up to `batch` until `claim` hands out nothing more; `claim` reserves messages synchronously, so publishers can share one budget. */
export async function publishClaimed(publisher: Publisher, batch: number, claim: (max: number) => number, flow: Flow): Promise<void> {
  for (let size = claim(batch); size > 0; size = claim(batch)) {
    flow.sent += size;
    await publisher.publish(stampedBatch(size));
    flow.acked += size;
  }
}

export async function openPublishers(target: Target, count: number): Promise<Publisher[]> {
  return Promise.all(Array.from({ length: count }, () => target.publisher()));
}

/** Closes every publisher and stops every consumer, even when some fail; then rethrows the first failure. */
export async function closeAll(items: readonly (Publisher | Consumer)[]): Promise<void> {
  const outcomes = await Promise.allSettled(items.map((item) => ('close' in item ? item.close() : item.stop())));
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/** Starts `perSubscription` competing consumers on each subscription, reporting to `flow`. */
export async function startConsumers(target: Target, subscriptions: number, perSubscription: number, flow: Flow, acks: AckStyle = 'each'): Promise<Consumer[]> {
  const consumers: Consumer[] = [];
  // A subscription's consumers connect together (64 AMQP connections one after another take seconds).
  for (let index = 0; index < subscriptions; index++) {
    consumers.push(...(await Promise.all(Array.from({ length: perSubscription }, () => target.consume(index, flow.onDelivered(index), acks)))));
  }
  return consumers;
}

/** Resolves once `done()` holds, polling every 5 ms; rejects after `timeoutMs`, or at once when one of `consumers` has failed. */
export async function waitFor(done: () => boolean, timeoutMs: number, what: string, consumers: readonly Consumer[] = []): Promise<void> {
  const deadline = nowMs() + timeoutMs;
  while (!done()) {
    const failed = consumers.find((consumer) => consumer.failure() !== undefined);
    if (failed !== undefined) throw failed.failure();
    if (nowMs() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
