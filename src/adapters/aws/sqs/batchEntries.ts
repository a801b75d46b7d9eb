import { sendWithPartialRetry, type PartialRetryOptions } from '../batches.js';

/** SQS and EventBridge take at most 10 entries per batch call. */
export const MAX_BATCH_ENTRIES = 10;
/** SQS: the bodies and attributes of one SendMessageBatch together, like one message, at most 1 MiB. */
export const MAX_SQS_BATCH_BYTES = 1_048_576;
/** EventBridge: the entries of one PutEvents call together under 256 KB. */
export const MAX_EVENTS_BATCH_BYTES = 262_144;

export interface PackOptions<T> {
  readonly maxEntries: number;
  readonly maxBytes?: number;
  readonly sizeOf?: (entry: T) => number;
  /**
   * FIFO message group of an entry. A batch then holds at most one entry per
   * group, and an entry never joins a batch ahead of an earlier entry of its
   * group: a partial failure of a batch can never let a later message of a key
   * overtake an earlier one.
   */
  readonly groupOf?: (entry: T) => string | undefined;
}

/**
 * Splits `entries` into batches that respect the service's count and size
 * limits, in order. An entry larger than `maxBytes` gets a batch of its own
 * (the service then refuses that one entry).
 *
 * @example
 * packBatches(entries, { maxEntries: 10, maxBytes: MAX_SQS_BATCH_BYTES, sizeOf, groupOf: (e) => e.group });
 */
export function packBatches<T>(entries: readonly T[], options: PackOptions<T>): T[][] {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const sizeOf = options.sizeOf ?? (() => 0);
  const batches: T[][] = [];
  let pending = [...entries];
  while (pending.length > 0) {
    const batch: T[] = [];
    const deferred: T[] = [];
    const groups = new Set<string>();
    const deferredGroups = new Set<string>();
    let bytes = 0;
    for (const entry of pending) {
      const group = options.groupOf?.(entry);
      const size = sizeOf(entry);
      const blocked = group !== undefined && (groups.has(group) || deferredGroups.has(group));
      const fits = batch.length < options.maxEntries && (batch.length === 0 || bytes + size <= maxBytes);
      if (!blocked && fits) {
        batch.push(entry);
        bytes += size;
        if (group !== undefined) groups.add(group);
      } else {
        deferred.push(entry);
        if (group !== undefined) deferredGroups.add(group);
      }
    }
    batches.push(batch);
    pending = deferred;
  }
  return batches;
}

/** An entry a batch call refused for good, with the service's error code. */
export interface EntryFailure<T> {
  readonly entry: T;
  readonly code: string;
  readonly message: string;
}

/** What one batch call did with its entries: those to send again, and those refused for good. */
export interface BatchOutcome<T> {
  readonly retry: readonly T[];
  readonly failed: ReadonlyArray<EntryFailure<T>>;
}

/** The code of an entry that `spentAsFailures` answers as failed. */
export const RETRIES_SPENT = 'RetriesSpent';

/** An entry still failing after every retry, as a failure (code RETRIES_SPENT). */
export function spentFailure<T>(entry: T): EntryFailure<T> {
  return { entry, code: RETRIES_SPENT, message: 'still failing after every retry' };
}

export interface RunBatchesOptions {
  /** Run the batches one after the other (FIFO order), instead of all at once. @default false */
  readonly sequential?: boolean;
  readonly retry?: PartialRetryOptions;
  /** Entries still failing after every retry are answered as failures (code `RetriesSpent`) instead of failing the whole call. @default false */
  readonly spentAsFailures?: boolean;
}

/**
 * Runs prepared batches, each with per-entry retries of the entries its call
 * reported as failed for a retryable reason (`sendWithPartialRetry`). Returns
 * the entries refused for good; throws Unavailable when retryable failures
 * outlast the retries.
 */
export async function runBatches<T>(
  batches: readonly T[][],
  what: string,
  send: (batch: T[]) => Promise<BatchOutcome<T>>,
  options: RunBatchesOptions = {},
): Promise<Array<EntryFailure<T>>> {
  const failed: Array<EntryFailure<T>> = [];
  const runOne = (batch: T[]): Promise<void> =>
    sendWithPartialRetry(
      batch,
      batch.length,
      what,
      async (entries) => {
        const outcome = await send(entries);
        failed.push(...outcome.failed);
        return [...outcome.retry];
      },
      options.retry,
      options.spentAsFailures === true ? (entries) => failed.push(...entries.map(spentFailure)) : undefined,
    );
  if (options.sequential === true) {
    for (const batch of batches) await runOne(batch);
  } else {
    await Promise.all(batches.map(runOne));
  }
  return failed;
}

/** SQS batch answers: `Failed` entries name their `Id` and say whether the sender is at fault. */
interface SqsBatchAnswer {
  readonly Failed?: ReadonlyArray<{ readonly Id?: string; readonly SenderFault?: boolean; readonly Code?: string; readonly Message?: string }>;
}

/**
 * Sorts an SQS batch answer into entries to retry (the service's fault:
 * throttling, internal errors) and entries refused for good (the sender's
 * fault). Entry `i` of the batch was sent with Id `String(i)`.
 */
export function sqsBatchOutcome<T>(batch: readonly T[], answer: SqsBatchAnswer): BatchOutcome<T> {
  const retry: T[] = [];
  const failed: Array<EntryFailure<T>> = [];
  for (const failure of answer.Failed ?? []) {
    const entry = batch[Number(failure.Id)];
    if (entry === undefined) continue;
    if (failure.SenderFault === true) failed.push({ entry, code: failure.Code ?? 'Unknown', message: failure.Message ?? '' });
    else retry.push(entry);
  }
  return { retry, failed };
}
