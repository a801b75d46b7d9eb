import { ConveyorError } from '../../../src/client/errors.js';
import { RetryPolicy } from '../../../src/client/RetryPolicy.js';
import type { SubscriptionApi } from '../../../src/client/subscribe/SubscriptionLoop.js';
import { subscriptionView } from '../../helpers/subscriptionView.js';
import type { AckResult, Delivery, ExtendRequest, NackRequest, PullOptions, PullResponse, SubscriptionView } from '../../../src/client/types.js';

/** A delivery of `label` (its body), with a fresh ack id. */
export function deliveryOf(label: string, fields: Partial<Delivery> = {}): Delivery {
  return {
    id: `id-${label}`,
    topic: 'orders',
    partition: 0,
    offset: 0,
    key: null,
    body: { label },
    attributes: {},
    publishedAt: '2024-05-01T12:00:00.000Z',
    ackId: `ack-${label}`,
    deliveryAttempt: 1,
    leaseSeconds: 30,
    ...fields,
  };
}

export function subscriptionOf(fields: Partial<SubscriptionView> = {}): SubscriptionView {
  return subscriptionView(fields);
}

const settled = (count: number): AckResult => ({ acked: count, notAcked: 0, failed: [] });

/**
 * The operations the consumer loop calls, in memory: pulls hand out what
 * `offer` queued (a long-poll waits for it up to waitSeconds, and ends empty
 * when aborted),
 * and every ack, nack and extend is recorded. `failPulls` makes the next
 * pulls throw, `failSettles` the next acks or nacks; `answerDelayMs` holds back the answer of a pull that leased
 * messages.
 */
export class FakeSubscriptionApi implements SubscriptionApi {
  public readonly retry = new RetryPolicy({ baseDelayMs: 1, maxDelayMs: 10 });
  public readonly acked: string[] = [];
  public readonly nacked: NackRequest[] = [];
  public readonly extended: ExtendRequest[] = [];
  /** When each extend request came (Date.now()), in order. */
  public readonly extendedAt: number[] = [];
  /** When each pull request came (Date.now()), in order. */
  public readonly pulledAt: number[] = [];
  /** How long a pull that has messages takes to answer, as a slow network or a busy server would. */
  public answerDelayMs = 0;
  public pulls = 0;
  /** Ack and nack requests made, answered or not. */
  public readonly calls = { ack: 0, nack: 0 };
  private readonly settleFailures: { ack: unknown[]; nack: unknown[] } = { ack: [], nack: [] };
  private readonly ready: Delivery[] = [];
  private readonly pullFailures: unknown[] = [];
  private waiter: (() => void) | undefined;

  public constructor(private subscription: SubscriptionView = subscriptionOf()) {}

  /** What getSubscription answers from now on, as after a PATCH. */
  public changeSubscription(fields: Partial<SubscriptionView>): void {
    this.subscription = { ...this.subscription, ...fields };
  }

  public offer(...deliveries: Delivery[]): void {
    this.ready.push(...deliveries);
    this.waiter?.();
  }

  public failPulls(...errors: unknown[]): void {
    this.pullFailures.push(...errors);
  }

  /** The next ack (or nack) requests throw these errors, one each. */
  public failSettles(operation: 'ack' | 'nack', ...errors: unknown[]): void {
    this.settleFailures[operation].push(...errors);
  }

  public async getSubscription(): Promise<SubscriptionView> {
    return this.subscription;
  }

  public async pull(_topic: string, _subscription: string, options: PullOptions & { readonly signal?: AbortSignal }): Promise<PullResponse> {
    this.pulls += 1;
    this.pulledAt.push(Date.now());
    if (this.pullFailures.length > 0) throw this.pullFailures.shift();
    const until = Date.now() + (options.waitSeconds ?? 0) * 1000;
    while (this.ready.length === 0) {
      const left = until - Date.now();
      if (options.signal?.aborted === true || left <= 0) return { messages: [] };
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, left);
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    const messages = this.ready.splice(0, options.max ?? 10);
    if (this.answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.answerDelayMs));
    return { messages };
  }

  public async ack(_topic: string, _subscription: string, ackIds: readonly string[]): Promise<AckResult> {
    this.calls.ack += 1;
    if (this.settleFailures.ack.length > 0) throw this.settleFailures.ack.shift();
    this.acked.push(...ackIds);
    return settled(ackIds.length);
  }

  public async nack(_topic: string, _subscription: string, items: NackRequest): Promise<AckResult> {
    this.calls.nack += 1;
    if (this.settleFailures.nack.length > 0) throw this.settleFailures.nack.shift();
    this.nacked.push(items);
    return settled(items.ackIds.length);
  }

  public async extend(_topic: string, _subscription: string, items: ExtendRequest): Promise<AckResult> {
    this.extended.push(items);
    this.extendedAt.push(Date.now());
    return settled(items.ackIds.length);
  }
}

/** A ConveyorError as the API answers it. */
export const apiFailure = (status: number, code: ConstructorParameters<typeof ConveyorError>[0]['code']): ConveyorError => new ConveyorError({ status, code, message: `${code} (${status})` });

/** Resolves once `condition` holds, checking every few milliseconds; fails after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
