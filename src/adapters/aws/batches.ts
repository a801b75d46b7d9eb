import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '../../domain/errors.js';

/** Splits `items` into runs of at most `size` (the batch limits: 10 for SQS and PutEvents, 25 for BatchWrite, 100 for transactions). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

export interface PartialRetryOptions {
  /** Attempts per entry, the first included. @default 6 */
  readonly attempts?: number;
  /** Base of the exponential backoff between attempts, in ms (with full jitter). @default 50 */
  readonly baseDelayMs?: number;
}

/**
 * Sends entries in batches and retries only the entries a batch reported as
 * failed (PutEvents, SendMessageBatch, DeleteMessageBatch answer per entry).
 * `send` returns the entries that failed with a retryable reason. Entries that
 * still fail after every attempt make the whole call fail with Unavailable, or
 * are handed to `spent` when given.
 *
 * @example
 * await sendWithPartialRetry(entries, 10, 'publish events', async (batch) => failedOf(await events.send(...)));
 */
export async function sendWithPartialRetry<T>(
  entries: readonly T[],
  batchSize: number,
  what: string,
  send: (batch: T[]) => Promise<T[]>,
  options: PartialRetryOptions = {},
  spent?: (entries: T[]) => void,
): Promise<void> {
  const attempts = options.attempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 50;
  let pending = [...entries];
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    const failed: T[] = [];
    for (const batch of chunk(pending, batchSize)) failed.push(...(await send(batch)));
    pending = failed;
    if (pending.length === 0) return;
    if (attempt >= attempts && spent !== undefined) return spent(pending);
    if (attempt >= attempts) throw new UnavailableError(`AWS could not ${what}: ${pending.length} entr${pending.length === 1 ? 'y' : 'ies'} still failing after ${attempts} attempts; retry later`);
    await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
  }
}
