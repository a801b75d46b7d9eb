import type { Delivery, Json } from '../../../src/domain/types.js';
import { requireStatus } from './ApiClient.js';
import type { Conveyor, PublishInput, SubscriptionView } from './Conveyor.js';

/** Milliseconds in a second, for `advance`. */
export const SECOND = 1000;

/** A clock reading as the API writes times: RFC 3339 in UTC with milliseconds. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** Where a spec's messages go: a topic and one of its subscriptions. */
export interface Queue {
  readonly topic: string;
  readonly subscription: string;
}

/**
 * Creates a fresh topic with one subscription; both must be new.
 *
 * @example
 * const queue = await createQueue(target().api, 'redelivery', { ackDeadlineSeconds: 10 });
 */
export async function createQueue(api: Conveyor, topic: string, settings: object = {}, subscription = 'worker'): Promise<Queue> {
  requireStatus(`creating topic ${topic}`, await api.createTopic(topic), 201);
  await addSubscription(api, { topic, subscription }, settings);
  return { topic, subscription };
}

/** Adds a new subscription to an existing topic. */
export async function addSubscription(api: Conveyor, queue: Queue, settings: object = {}): Promise<Queue> {
  requireStatus(`creating subscription ${queue.subscription}`, await api.createSubscription(queue.topic, queue.subscription, settings), 201);
  return queue;
}

/** Messages whose bodies are `{ label, ...fields }`, so deliveries can be told apart by label. */
export function labelled(labels: readonly string[], extra: Omit<PublishInput, 'body'> = {}, fields: Record<string, Json> = {}): PublishInput[] {
  return labels.map((label) => ({ ...extra, body: { label, ...fields } }));
}

/** The `label` of a body made by `labelled`. */
export function labelOf(body: Json): string {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const label = body['label'];
    if (typeof label === 'string') return label;
  }
  throw new Error(`body ${JSON.stringify(body)} carries no label`);
}

export function labelsOf(messages: ReadonlyArray<{ readonly body: Json }>): string[] {
  return messages.map((message) => labelOf(message.body));
}

/** Pulls once and fails the test on any answer but 200. */
export async function pull(api: Conveyor, queue: Queue, options: { max?: number; waitSeconds?: number } = {}): Promise<Delivery[]> {
  return requireStatus(`pulling from ${queue.subscription}`, await api.pull(queue.topic, queue.subscription, options)).messages;
}

/** Pulls until a pull comes back empty, leasing everything ready now. */
export async function pullAll(api: Conveyor, queue: Queue): Promise<Delivery[]> {
  const all: Delivery[] = [];
  for (;;) {
    const batch = await pull(api, queue, { max: 100 });
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** Acks the deliveries and fails the test unless every ack succeeds. */
export async function ackAll(api: Conveyor, queue: Queue, deliveries: readonly Delivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  const response = await api.ack(queue.topic, queue.subscription, deliveries.map((delivery) => delivery.ackId));
  if (response.status !== 200 || response.body.acked !== deliveries.length) throw new Error(`ack failed: ${response.status} ${response.text}`);
}

/** Pulls everything ready and acks it; returns the labels consumed. */
export async function drain(api: Conveyor, queue: Queue): Promise<string[]> {
  const deliveries = await pullAll(api, queue);
  await ackAll(api, queue, deliveries);
  return labelsOf(deliveries);
}

export async function statsOf(api: Conveyor, queue: Queue): Promise<SubscriptionView['stats']> {
  return requireStatus(`getting ${queue.subscription}`, await api.getSubscription(queue.topic, queue.subscription)).stats;
}

/** Subscription stats without the age of the oldest unacked message, which grows with the clock. */
export type SubscriptionCounts = Omit<SubscriptionView['stats'], 'oldestUnackedAgeSeconds'>;

export function withoutAge(stats: SubscriptionView['stats']): SubscriptionCounts {
  const { oldestUnackedAgeSeconds: _age, ...counts } = stats;
  return counts;
}

/** The subscription's message counts (its stats without the age). */
export async function countsOf(api: Conveyor, queue: Queue): Promise<SubscriptionCounts> {
  return withoutAge(await statsOf(api, queue));
}
