import { setTimeout as sleep } from 'node:timers/promises';
import type { Json } from '../../src/domain/types.js';
import type { ApiResponse } from '../contract/harness/ApiClient.js';
import type { Conveyor } from '../contract/harness/Conveyor.js';

/** A message the server confirmed with 200, where it said it stored it. */
export interface PublishedRecord {
  readonly id: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly body: Json;
}

/** One delivery as a consumer received it; `lifetime` numbers the server process (0 = first start). */
export interface DeliveryRecord {
  readonly id: string;
  readonly lifetime: number;
  readonly attempt: number;
}

/**
 * What clients were told, kept across server crashes. Only answers the server
 * actually sent are recorded: a request cut off by the kill leaves no trace.
 */
export class CrashLedger {
  public readonly published = new Map<string, PublishedRecord>();
  public readonly deliveries: DeliveryRecord[] = [];
  /** Messages whose ack the server confirmed, with the delivery that was acked. */
  public readonly confirmedAcks = new Map<string, DeliveryRecord>();
  /** Answers that should not happen under load (unexpected statuses, spec mismatches, failures before the kill). */
  public readonly anomalies: string[] = [];
  /** Loops whose request was cut off by a kill, by role. */
  public readonly interrupted = { publishers: 0, consumers: 0 };

  public deliveredIds(): Set<string> {
    return new Set(this.deliveries.map((delivery) => delivery.id));
  }

  /** Deliveries of a message after the server confirmed its ack: in a later process, or a later attempt in the same one. */
  public deliveriesAfterConfirmedAck(): Array<DeliveryRecord & { readonly ackedIn: DeliveryRecord }> {
    return this.deliveries.flatMap((delivery) => {
      const acked = this.confirmedAcks.get(delivery.id);
      if (acked === undefined) return [];
      const later = delivery.lifetime > acked.lifetime || (delivery.lifetime === acked.lifetime && delivery.attempt > acked.attempt);
      return later ? [{ ...delivery, ackedIn: acked }] : [];
    });
  }
}

export interface LoadPlan {
  readonly api: Conveyor;
  readonly topic: string;
  readonly subscription: string;
  readonly lifetime: number;
  readonly publishers: number;
  readonly consumers: number;
  /** Publishing stops once this many messages were sent in this lifetime. */
  readonly messageBudget: number;
  /** Share of deliveries acked; of the rest, half are nacked and half left to expire. */
  readonly ackShare: number;
  /** Longest pause of a publisher between two batches, so that publishing spans the whole load. */
  readonly pauseMs: number;
  readonly stopped: () => boolean;
}

const KEYS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];
const randomInt = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min + 1));

function expect200(ledger: CrashLedger, what: string, response: ApiResponse<unknown>): boolean {
  if (response.status === 200) return true;
  ledger.anomalies.push(`${what} answered ${response.status}: ${response.text.slice(0, 200)}`);
  return false;
}

/** Runs `step` until `stopped()`; a network failure after the stop is the expected effect of the kill. */
async function loop(ledger: CrashLedger, name: string, stopped: () => boolean, step: () => Promise<boolean>): Promise<void> {
  while (!stopped()) {
    try {
      if (!(await step())) return;
    } catch (error) {
      // fetch rejects with a TypeError from Node's own realm, so it is recognised by name.
      if (stopped() && (error as { name?: unknown }).name === 'TypeError') {
        ledger.interrupted[name.startsWith('publisher') ? 'publishers' : 'consumers'] += 1;
        return;
      }
      ledger.anomalies.push(`${name} failed before the kill: ${String(error)}`);
      return;
    }
  }
}

function publisher(plan: LoadPlan, ledger: CrashLedger, index: number, budget: { left: number }): Promise<void> {
  let seq = 0;
  return loop(ledger, `publisher ${index}`, plan.stopped, async () => {
    if (budget.left <= 0) return false;
    const size = Math.min(budget.left, randomInt(1, 20));
    budget.left -= size;
    const messages = Array.from({ length: size }, () => {
      seq += 1;
      const key = Math.random() < 0.7 ? KEYS[randomInt(0, KEYS.length - 1)]! : undefined;
      const body: Json = { lifetime: plan.lifetime, publisher: index, seq, padding: 'p'.repeat(randomInt(0, 300)) };
      return { id: `l${plan.lifetime}-p${index}-${seq}`, body, ...(key === undefined ? {} : { key }) };
    });
    const response = await plan.api.publish(plan.topic, messages);
    if (!expect200(ledger, 'publish', response)) return false;
    await sleep(randomInt(0, plan.pauseMs));
    response.body.results.forEach((result, i) => {
      const sent = messages[i]!;
      if (!('offset' in result) || result.id !== sent.id) {
        ledger.anomalies.push(`publish result ${i} does not match message ${sent.id}: ${JSON.stringify(result)}`);
        return;
      }
      ledger.published.set(sent.id, { id: sent.id, partition: result.partition, offset: result.offset, key: sent.key ?? null, body: sent.body });
    });
    return true;
  });
}

/** Pulls once and settles what it got; returns how many messages arrived. */
export async function consumeOnce(plan: Omit<LoadPlan, 'publishers' | 'consumers' | 'messageBudget' | 'pauseMs'>, ledger: CrashLedger, waitSeconds: number): Promise<number> {
  const pulled = await plan.api.pull(plan.topic, plan.subscription, { max: 20, waitSeconds });
  if (!expect200(ledger, 'pull', pulled)) return 0;
  const toAck: Array<{ ackId: string; delivery: DeliveryRecord }> = [];
  const toNack: string[] = [];
  for (const message of pulled.body.messages) {
    const delivery = { id: message.id, lifetime: plan.lifetime, attempt: message.deliveryAttempt };
    ledger.deliveries.push(delivery);
    const roll = Math.random();
    if (roll < plan.ackShare) toAck.push({ ackId: message.ackId, delivery });
    else if (roll < plan.ackShare + (1 - plan.ackShare) / 2) toNack.push(message.ackId);
  }
  if (toAck.length > 0) {
    const acked = await plan.api.ack(plan.topic, plan.subscription, toAck.map((item) => item.ackId));
    if (expect200(ledger, 'ack', acked)) {
      const failed = new Set(acked.body.failed.map((failure) => failure.ackId));
      for (const { ackId, delivery } of toAck) if (!failed.has(ackId)) ledger.confirmedAcks.set(delivery.id, delivery);
      if (acked.body.acked !== toAck.length - failed.size) ledger.anomalies.push(`ack counted ${acked.body.acked} of ${toAck.length} with ${failed.size} failures`);
    }
  }
  if (toNack.length > 0) expect200(ledger, 'nack', await plan.api.nack(plan.topic, plan.subscription, toNack, { delaySeconds: 0 }));
  return pulled.body.messages.length;
}

/** Concurrent publishers and consumers until `plan.stopped()`. */
export async function runLoad(plan: LoadPlan, ledger: CrashLedger): Promise<void> {
  const budget = { left: plan.messageBudget };
  await Promise.all([
    ...Array.from({ length: plan.publishers }, (_, index) => publisher(plan, ledger, index, budget)),
    ...Array.from({ length: plan.consumers }, (_, index) => loop(ledger, `consumer ${index}`, plan.stopped, async () => (await consumeOnce(plan, ledger, 1), true))),
  ]);
}
