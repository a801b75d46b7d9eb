import { ConveyorError } from '../errors.js';
import { pause, type RetryPolicy } from '../RetryPolicy.js';
import type { AckResult, Delivery, ExtendRequest, NackRequest, PullOptions, PullResponse, SubscriptionView } from '../types.js';
import { DeliveryQueue } from './DeliveryQueue.js';
import { LeaseKeeper } from './LeaseKeeper.js';
import { Settler } from './Settler.js';
import type { MessageContext, MessageHandler, SubscribeOptions, Subscription, SubscriptionStats } from './types.js';

export type { MessageContext, MessageHandler, SubscribeOptions, Subscription, SubscriptionStats } from './types.js';

/** The operations the loop needs (ConveyorClient has them). */
export interface SubscriptionApi {
  readonly retry: RetryPolicy;
  getSubscription(topic: string, subscription: string): Promise<SubscriptionView>;
  pull(topic: string, subscription: string, options: PullOptions & { readonly signal?: AbortSignal }): Promise<PullResponse>;
  ack(topic: string, subscription: string, ackIds: readonly string[]): Promise<AckResult>;
  nack(topic: string, subscription: string, items: NackRequest): Promise<AckResult>;
  extend(topic: string, subscription: string, items: ExtendRequest): Promise<AckResult>;
}

export interface LoopTarget {
  readonly topic: string;
  readonly subscription: string;
}

/** The reason a message given back by close() carries (its lastError, were it dead-lettered). */
const RELEASED = 'released unstarted: the consumer closed';

/** Pause after an empty pull that did not long-poll (waitSeconds 0), so an idle loop does not spin. */
const EMPTY_PULL_PAUSE_MS = 1000;

const LIMITS = { concurrency: [1, 1000], maxInFlight: [1, 100_000], batchSize: [1, 100], waitSeconds: [0, 20] } as const;

/**
 * The consumer loop behind ConveyorClient.subscribe: reads the
 * subscription once (ordered), then pulls with long polling
 * while fewer than `maxInFlight` messages are in hand and fewer than
 * `batchSize` wait for a handler. Handlers run `concurrency` at a time
 * (DeliveryQueue keeps one key at a time on an ordered subscription); each
 * ends in an ack or a nack (Settler), and every lease in hand is extended
 * until then by the length it was given (LeaseKeeper). A failed pull is reported and retried with the
 * client's backoff; one the server refuses for good (400, 401, 403, 404)
 * ends the loop, and `closed` rejects with it. Nothing the loop does throws
 * into the caller's process.
 */
export class SubscriptionLoop implements Subscription {
  public readonly closed: Promise<void>;
  /** Aborted by close(): no more pulls, and every pause ends. */
  private readonly stopping = new AbortController();
  /** Aborts the long-poll in progress; close() does so only when it has nothing to give back. */
  private readonly pulling = new AbortController();
  private readonly inHand = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private queue: DeliveryQueue | undefined;
  /** The subscription's maxDeliveries as last read: a message on that attempt is run by close(), not given back. */
  private maxDeliveries = Number.POSITIVE_INFINITY;
  /** Set by finish(): the messages on their last attempt still start, though the loop has stopped. */
  private runningLastAttempts = false;
  private keeper: LeaseKeeper | undefined;
  private readonly settler: Settler;
  private readonly settings: Required<Omit<SubscribeOptions, 'onError'>>;
  private counts = { processed: 0, failed: 0 };
  /** Wakes the pull loop when room may have been made. */
  private wake: (() => void) | undefined;

  private constructor(
    private readonly api: SubscriptionApi,
    private readonly target: LoopTarget,
    private readonly handler: MessageHandler,
    private readonly onError: (error: unknown) => void,
    options: SubscribeOptions,
  ) {
    const concurrency = checked('concurrency', options.concurrency ?? 1);
    const maxInFlight = checked('maxInFlight', options.maxInFlight ?? 100);
    this.settings = {
      concurrency,
      maxInFlight,
      batchSize: checked('batchSize', options.batchSize ?? Math.min(10, maxInFlight)),
      waitSeconds: checked('waitSeconds', options.waitSeconds ?? 20),
      extendLeases: options.extendLeases ?? true,
    };
    const { topic, subscription } = target;
    this.settler = new Settler({
      ack: (ackIds) => api.ack(topic, subscription, ackIds),
      nack: (ackIds, reason, delaySeconds) => api.nack(topic, subscription, { ackIds, ...(reason === undefined ? {} : { reason }), ...(delaySeconds === undefined ? {} : { delaySeconds }) }),
      retry: api.retry,
      onError: (error) => this.report(error),
      settled: (ackId) => this.forget(ackId),
    });
    this.closed = this.run();
    // `closed` may reject; a caller who never looks at it must not get an unhandled rejection.
    this.closed.catch(() => undefined);
  }

  /** Starts a loop; options are checked here, so a bad one throws at once. */
  public static start(api: SubscriptionApi, target: LoopTarget, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    const onError = options.onError ?? ((error: unknown) => globalThis.console?.error(`conveyor/client subscribe ${target.topic}/${target.subscription}:`, error));
    return new SubscriptionLoop(api, target, handler, onError, options);
  }

  public close(): Promise<void> {
    if (!this.stopping.signal.aborted) {
      this.stopping.abort();
      // With messages to give back, the long-poll in progress ends on its own first: cut short, it could
      // still be waiting on the server (behind a proxy, or until the server sees the connection close)
      // and lease the messages given back to a consumer that is gone.
      if ((this.queue?.size ?? 0) === 0) this.pulling.abort();
      this.wake?.();
    }
    return this.closed.catch(() => undefined);
  }

  public stats(): SubscriptionStats {
    return { ...this.counts, inFlight: this.inHand.size };
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    try {
      const subscription = await this.describe();
      if (subscription === undefined) return;
      this.queue = new DeliveryQueue(subscription.ordered);
      this.maxDeliveries = subscription.maxDeliveries;
      if (this.settings.extendLeases) {
        const { topic, subscription: name } = this.target;
        this.keeper = new LeaseKeeper({
          extend: (ackIds, seconds) => this.api.extend(topic, name, { ackIds, seconds }),
          retry: this.api.retry,
          onError: (error) => this.report(error),
        });
      }
      await this.pullUntilStopped();
    } finally {
      await this.finish();
    }
  }

  /** The subscription's settings, retried like a pull; undefined when closed first. */
  private async describe(): Promise<SubscriptionView | undefined> {
    for (let failures = 0; !this.stopped; ) {
      try {
        return await this.api.getSubscription(this.target.topic, this.target.subscription);
      } catch (error) {
        failures += 1;
        await this.afterFailure(error, failures);
      }
    }
    return undefined;
  }

  private async pullUntilStopped(): Promise<void> {
    const { topic, subscription } = this.target;
    let failures = 0;
    while (!this.stopped) {
      await this.room();
      if (this.stopped) return;
      let deliveries: Delivery[];
      let sentAt: number;
      try {
        const max = Math.min(this.settings.batchSize, this.settings.maxInFlight - this.inHand.size);
        // The leases begin at the earliest when the pull goes out: timed from then, none is kept too late.
        sentAt = Date.now();
        ({ messages: deliveries } = await this.api.pull(topic, subscription, { max, waitSeconds: this.settings.waitSeconds, signal: this.pulling.signal }));
        failures = 0;
      } catch (error) {
        if (this.stopped) return;
        failures += 1;
        await this.afterFailure(error, failures);
        continue;
      }
      if (deliveries.length === 0 && this.settings.waitSeconds === 0) await pause(EMPTY_PULL_PAUSE_MS, this.stopping.signal).catch(() => undefined);
      for (const delivery of deliveries) {
        this.inHand.add(delivery.ackId);
        // Each lease has the length it was given: a deadline changed meanwhile applies to the leases taken under it.
        this.keeper?.track(delivery.ackId, delivery.leaseSeconds, sentAt);
      }
      this.queue!.add(deliveries);
      // Pulled just as close() came: given back with the rest in finish() (or run, on their last attempt).
      if (!this.stopped) this.dispatch();
    }
  }

  /** Reports a failed request; rethrows it when retrying cannot help, else waits the backoff (cut short by close()). */
  private async afterFailure(error: unknown, failures: number): Promise<void> {
    this.report(error);
    if (!(error instanceof ConveyorError) || !error.retryable) throw error;
    await pause(this.api.retry.delayMs(failures, error.retryAfterSeconds), this.stopping.signal).catch(() => undefined);
  }

  /** Resolves when a pull may go out: fewer than maxInFlight in hand and fewer than batchSize waiting, or on close(). */
  private async room(): Promise<void> {
    const full = (): boolean => this.inHand.size >= this.settings.maxInFlight || this.queue!.size >= this.settings.batchSize;
    while (full() && !this.stopped) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  /** Starts handlers while there are slots and messages that may start. */
  private dispatch(): void {
    while (this.running.size < this.settings.concurrency && (!this.stopped || this.runningLastAttempts)) {
      const delivery = this.queue!.take();
      if (delivery === undefined) return;
      const run = this.handle(delivery).finally(() => {
        this.running.delete(run);
        this.queue!.finished(delivery);
        this.dispatch();
        this.wake?.();
      });
      this.running.add(run);
    }
  }

  private async handle(delivery: Delivery): Promise<void> {
    const context: MessageContext = { topic: this.target.topic, subscription: this.target.subscription, ackId: delivery.ackId };
    try {
      await this.handler(delivery, context);
      this.counts.processed += 1;
      this.settler.add({ ackId: delivery.ackId, outcome: 'ack' });
    } catch (error) {
      this.counts.failed += 1;
      this.settler.add({ ackId: delivery.ackId, outcome: 'nack', reason: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * Gives back what never started, but runs the messages on their last
   * attempt (a nack would dead-letter them unhandled), lets the running
   * handlers end, and waits for every ack and nack.
   */
  private async finish(): Promise<void> {
    this.stopping.abort();
    this.pulling.abort();
    const waiting = this.queue?.drain() ?? [];
    const maxDeliveries = waiting.length === 0 ? this.maxDeliveries : await this.currentMaxDeliveries();
    const lastAttempts = waiting.filter((delivery) => delivery.deliveryAttempt >= maxDeliveries);
    for (const delivery of waiting.filter((delivery) => delivery.deliveryAttempt < maxDeliveries)) {
      this.keeper?.release(delivery.ackId);
      this.settler.add({ ackId: delivery.ackId, outcome: 'nack', reason: RELEASED, delaySeconds: 0 });
    }
    if (lastAttempts.length > 0) {
      this.queue!.add(lastAttempts);
      this.runningLastAttempts = true;
      this.dispatch();
    }
    while (this.running.size > 0) await Promise.all(this.running);
    await this.settler.idle();
    this.keeper?.stop();
  }

  /** maxDeliveries read again (a PATCH may have changed it since the start); the one read at the start when that fails. */
  private async currentMaxDeliveries(): Promise<number> {
    try {
      return (await this.api.getSubscription(this.target.topic, this.target.subscription)).maxDeliveries;
    } catch (error) {
      this.report(error);
      return this.maxDeliveries;
    }
  }

  private forget(ackId: string): void {
    this.inHand.delete(ackId);
    this.keeper?.release(ackId);
    this.wake?.();
  }

  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // an onError that throws must not end the loop
    }
  }
}

function checked(name: keyof typeof LIMITS, value: number): number {
  const [min, max] = LIMITS[name];
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer between ${min} and ${max}, but ${String(value)} was provided`);
  return value;
}
