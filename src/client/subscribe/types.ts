import type { Delivery } from '../types.js';

/** What a handler learns of a message besides the message itself. */
export interface MessageContext {
  readonly topic: string;
  readonly subscription: string;
  /** The lease's ack id. The loop acks or nacks it when the handler ends; a handler does not. */
  readonly ackId: string;
}

/** Runs one message. Resolving acks it; throwing nacks it with the error's message as the reason. */
export type MessageHandler = (message: Delivery, context: MessageContext) => Promise<void> | void;

export interface SubscribeOptions {
  /** Handlers running at once. @default 1 */
  readonly concurrency?: number;
  /** Messages pulled and not yet acked or nacked, at most; no pull asks for more. @default 100 */
  readonly maxInFlight?: number;
  /** Messages one pull asks for (1–100); pulls go on while fewer than this wait for a handler. @default 10 */
  readonly batchSize?: number;
  /** Long-poll of each pull (0–20). @default 20 */
  readonly waitSeconds?: number;
  /** Extend the lease of every message in hand once two thirds of it have passed. @default true */
  readonly extendLeases?: boolean;
  /**
   * Called with what went wrong in the loop itself: a failed pull (retried
   * with backoff), acks, nacks or extensions refused or lost. Handler errors
   * are not reported here: they nack their message.
   * @default writes the error to console.error
   */
  readonly onError?: (error: unknown) => void;
}

export interface SubscriptionStats {
  /** Messages whose handler resolved. */
  readonly processed: number;
  /** Messages whose handler threw. */
  readonly failed: number;
  /** Messages pulled and not yet settled (waiting, running, or being acked or nacked). */
  readonly inFlight: number;
}

/** A running consumer loop (ConveyorClient.subscribe). */
export interface Subscription {
  /**
   * Stops pulling, gives back the messages pulled but not started (a nack
   * with delay 0: they are ready again at once, and count a delivery), but
   * runs those on their last attempt (deliveryAttempt at or past the
   * subscription's maxDeliveries, read again now), which a nack would
   * dead-letter unhandled; lets running handlers finish and settles them. A long-poll in progress is cut
   * short when nothing is to be given back; otherwise it ends first (within
   * `waitSeconds`), so that it cannot lease what is given back. Resolves when
   * all that is done; calling it again answers the same promise.
   */
  close(): Promise<void>;
  /** Settles when the loop has ended: after close(), or rejected with the error that stopped it (a refused pull: 401, 403, 404). */
  readonly closed: Promise<void>;
  stats(): SubscriptionStats;
}
