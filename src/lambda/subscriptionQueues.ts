import { NAME_PATTERN } from '../domain/constants.js';
import { preview } from '../domain/errors.js';
import { ConsumerConfigurationError } from './errors.js';

/**
 * The environment variable that tells a consumer which subscription each of
 * its queues belongs to (the envelope names the topic, not the subscription):
 * a JSON object from queue ARN to `"<topic>/<subscription>"`, or to
 * `{ "subscription": "<topic>/<subscription>", "maxDeliveries": n }`.
 * `addLambdaConsumer` sets it; `conveyor consume` sets it for its own queue.
 */
export const SUBSCRIPTION_QUEUES_ENV = 'CONVEYOR_SUBSCRIPTION_QUEUES';

/** One subscription queue a function consumes. */
export interface SubscriptionQueueBinding {
  /** ARN of the subscription's queue (the event source mapping's `eventSourceARN`). */
  readonly queueArn: string;
  readonly topic: string;
  readonly subscription: string;
  /**
   * The subscription's `maxDeliveries`. With it, the handler never sees a
   * message past that many deliveries: SQS's redrive, which takes a message one
   * receive later (SubscriptionResources), would otherwise hand it over once more.
   * @default unknown: every delivery SQS makes reaches the handler
   */
  readonly maxDeliveries?: number;
}

/** The subscription a record came from, as the consumer resolved it. */
export interface BoundSubscription {
  readonly topic: string;
  readonly subscription: string;
  readonly maxDeliveries?: number;
}

type BindingValue = string | { readonly subscription: string; readonly maxDeliveries?: number };

/**
 * The value of CONVEYOR_SUBSCRIPTION_QUEUES as an object (for
 * `Stack.toJsonString`, when ARNs are CDK tokens).
 *
 * @example
 * subscriptionQueueEntries([{ queueArn: arn, topic: 'orders', subscription: 'billing' }]); // { [arn]: 'orders/billing' }
 */
export function subscriptionQueueEntries(bindings: readonly SubscriptionQueueBinding[]): Record<string, BindingValue> {
  const entries: Record<string, BindingValue> = {};
  for (const binding of bindings) {
    const name = `${binding.topic}/${binding.subscription}`;
    parseSubscriptionName(name, `the binding of ${binding.queueArn}`);
    entries[binding.queueArn] = binding.maxDeliveries === undefined ? name : { subscription: name, maxDeliveries: checkedMaxDeliveries(binding.maxDeliveries, name) };
  }
  return entries;
}

/**
 * The value of CONVEYOR_SUBSCRIPTION_QUEUES for these queues.
 *
 * @example
 * environment[SUBSCRIPTION_QUEUES_ENV] = subscriptionQueuesVariable([{ queueArn, topic: 'orders', subscription: 'billing', maxDeliveries: 5 }]);
 */
export function subscriptionQueuesVariable(bindings: readonly SubscriptionQueueBinding[]): string {
  return JSON.stringify(subscriptionQueueEntries(bindings));
}

/**
 * `"<topic>/<subscription>"` split and checked against the API's naming rule.
 *
 * @example
 * parseSubscriptionName('orders/billing', 'options.subscription'); // { topic: 'orders', subscription: 'billing' }
 */
export function parseSubscriptionName(value: unknown, where: string): BoundSubscription {
  const parts = typeof value === 'string' ? value.split('/') : [];
  const [topic, subscription] = parts;
  if (parts.length !== 2 || topic === undefined || subscription === undefined || !NAME_PATTERN.test(topic) || !NAME_PATTERN.test(subscription)) {
    throw new ConsumerConfigurationError(`${where} must be "<topic>/<subscription>" (names of 1-48 letters, digits, _ and -, starting with a letter or digit), but ${preview(value)} was provided`);
  }
  return { topic, subscription };
}

function checkedMaxDeliveries(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConsumerConfigurationError(`maxDeliveries of ${where} must be a positive integer, but ${preview(value)} was provided`);
  }
  return value;
}

/**
 * Which subscription a record belongs to: its `eventSourceARN` looked up in
 * CONVEYOR_SUBSCRIPTION_QUEUES, else the consumer's `subscription` option.
 * The variable is read at each lookup (parsed once per distinct value), so a
 * test or a local runner may set it after the handler module was loaded.
 *
 * @example
 * const resolver = new SubscriptionResolver(() => process.env[SUBSCRIPTION_QUEUES_ENV], 'orders/billing');
 * resolver.resolve(record.eventSourceARN); // { topic: 'orders', subscription: 'billing' }
 */
export class SubscriptionResolver {
  private parsed: { readonly raw: string; readonly byArn: ReadonlyMap<string, BoundSubscription> } | undefined;
  private readonly fallback: BoundSubscription | undefined;

  public constructor(
    private readonly variable: () => string | undefined,
    fallback: string | undefined,
  ) {
    this.fallback = fallback === undefined ? undefined : parseSubscriptionName(fallback, 'options.subscription');
  }

  /** The subscription of a queue; a ConsumerConfigurationError naming the queue when none is known. */
  public resolve(queueArn: string): BoundSubscription {
    const bound = this.bindings().get(queueArn) ?? this.fallback;
    if (bound === undefined) {
      throw new ConsumerConfigurationError(
        `no Conveyor subscription is known for queue ${queueArn}: ${SUBSCRIPTION_QUEUES_ENV} has no entry for it and consume() got no subscription option ` +
          `(addLambdaConsumer sets the variable; a function attached some other way sets it, or passes { subscription: "<topic>/<subscription>" })`,
      );
    }
    return bound;
  }

  private bindings(): ReadonlyMap<string, BoundSubscription> {
    const raw = this.variable() ?? '';
    if (this.parsed?.raw !== raw) this.parsed = { raw, byArn: raw.trim() === '' ? new Map() : parseVariable(raw) };
    return this.parsed.byArn;
  }
}

function parseVariable(raw: string): Map<string, BoundSubscription> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new ConsumerConfigurationError(`${SUBSCRIPTION_QUEUES_ENV} must be a JSON object, but ${preview(raw)} was provided`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConsumerConfigurationError(`${SUBSCRIPTION_QUEUES_ENV} must be a JSON object from queue ARN to "<topic>/<subscription>", but ${preview(value)} was provided`);
  }
  const byArn = new Map<string, BoundSubscription>();
  for (const [arn, entry] of Object.entries(value)) {
    const where = `${SUBSCRIPTION_QUEUES_ENV}[${JSON.stringify(arn)}]`;
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      const { subscription, maxDeliveries } = entry as Record<string, unknown>;
      const bound = parseSubscriptionName(subscription, `${where}.subscription`);
      byArn.set(arn, maxDeliveries === undefined ? bound : { ...bound, maxDeliveries: checkedMaxDeliveries(maxDeliveries, where) });
    } else {
      byArn.set(arn, parseSubscriptionName(entry, where));
    }
  }
  return byArn;
}
