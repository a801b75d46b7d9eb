import { ConveyorError, LeaseLostError } from '../errors.js';
import { nackReason } from '../nackReason.js';
import { pause, type RetryPolicy } from '../RetryPolicy.js';
import type { AckResult } from '../types.js';

/** Most ack ids one ack or nack request takes (AckIds, maxItems). */
const MAX_ACK_IDS = 1000;

/** A message to settle: acked, or nacked with a reason and an optional delay. */
export type Settlement = { readonly ackId: string; readonly outcome: 'ack' } | { readonly ackId: string; readonly outcome: 'nack'; readonly reason: string; readonly delaySeconds?: number };

export interface SettlerSettings {
  readonly ack: (ackIds: string[]) => Promise<AckResult>;
  readonly nack: (ackIds: string[], reason: string | undefined, delaySeconds: number | undefined) => Promise<AckResult>;
  readonly retry: RetryPolicy;
  readonly onError: (error: unknown) => void;
  /** Called once per message when its ack or nack has been answered, or given up. */
  readonly settled: (ackId: string) => void;
}

/**
 * Acks and nacks in batches: what is queued while a round of requests is out
 * goes in the next round, one request per kind (acks; nacks of the same
 * reason and delay). A request that fails for a reason that may pass is sent
 * again with the client's backoff, up to its attempts (a nack only when it
 * was refused before any work, 429); then, or when the
 * server refuses some ack ids, the error is reported and those messages come
 * back after their leases.
 *
 * @example
 * const settler = new Settler({ ack, nack, retry, onError, settled: (ackId) => keeper.release(ackId) });
 * settler.add({ ackId, outcome: 'ack' });
 * await settler.idle();
 */
export class Settler {
  private queued: Settlement[] = [];
  private round: Promise<void> | undefined;

  public constructor(private readonly settings: SettlerSettings) {}

  public add(settlement: Settlement): void {
    this.queued.push(settlement);
    this.round ??= this.run();
  }

  /** Resolves when nothing is queued or being sent. */
  public async idle(): Promise<void> {
    while (this.round !== undefined) await this.round;
  }

  private async run(): Promise<void> {
    // Give the handlers that end in the same turn a chance to join this round.
    await Promise.resolve();
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      await Promise.all([...groups(batch)].map(([, group]) => this.send(group)));
    }
    this.round = undefined;
  }

  private async send(group: readonly Settlement[]): Promise<void> {
    const first = group[0]!;
    const operation = first.outcome;
    for (let start = 0; start < group.length; start += MAX_ACK_IDS) {
      const ackIds = group.slice(start, start + MAX_ACK_IDS).map((settlement) => settlement.ackId);
      const outcome = await this.attempt(operation, () =>
        first.outcome === 'ack' ? this.settings.ack(ackIds) : this.settings.nack(ackIds, nackReason(first.reason), first.delaySeconds),
      );
      if (outcome !== undefined && outcome.failed.length > 0) this.report(new LeaseLostError(operation, outcome.failed));
      for (const ackId of ackIds) this.settings.settled(ackId);
    }
  }

  /**
   * The call's answer, or undefined once it failed for good (reported). An
   * ack is safe to send twice; a nack is sent again only after a 429, which
   * says nothing was done (after a 503 or no answer it may have counted).
   */
  private async attempt(operation: Settlement['outcome'], call: () => Promise<AckResult>): Promise<AckResult | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const retryable = error instanceof ConveyorError && (operation === 'ack' ? error.retryable : error.status === 429);
        if (!retryable || attempt >= this.settings.retry.maxAttempts) {
          this.report(error);
          return undefined;
        }
        await pause(this.settings.retry.delayMs(attempt));
      }
    }
  }

  private report(error: unknown): void {
    try {
      this.settings.onError(error);
    } catch {
      // an onError that throws must not stop the acks
    }
  }
}

/** Settlements grouped by request: acks together, nacks by reason and delay. */
function groups(batch: readonly Settlement[]): Map<string, Settlement[]> {
  const byRequest = new Map<string, Settlement[]>();
  for (const settlement of batch) {
    const key = settlement.outcome === 'ack' ? 'ack' : JSON.stringify(['nack', settlement.reason, settlement.delaySeconds ?? null]);
    byRequest.set(key, [...(byRequest.get(key) ?? []), settlement]);
  }
  return byRequest;
}

