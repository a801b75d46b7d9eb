import { AckLimits, PublishLimits, ResponseLimits } from './constants.js';
import { storedMessageBytes, type SizedMessage } from './messageSize.js';

/**
 * The most a dead letter can count: the largest message and the longest last
 * error (a nack reason of AckLimits.reasonLength UTF-16 units, at most 3 UTF-8
 * bytes each).
 */
export const LARGEST_DEAD_LETTER_BYTES = PublishLimits.messageBytes + 3 * AckLimits.reasonLength;

/**
 * What a dead letter counts in a listing's budget: its stored message and its
 * last error, which the listing returns with it. `bodyText` is the body as stored.
 *
 * @example
 * budget.admit(deadLetterBytes(letter, row.body));
 */
export function deadLetterBytes(letter: SizedMessage & { readonly lastError: string | null }, bodyText?: string): number {
  return storedMessageBytes(letter, bodyText) + Buffer.byteLength(letter.lastError ?? '');
}

/**
 * The byte budget of one response that returns messages: a log read, a pull or
 * a dead-letter listing. Adapters count each message's stored size
 * (storedMessageBytes) as they read it and stop before the message that would
 * pass the budget, so one request never holds much more than the budget in
 * memory, however large `limit` or `max` is. The first message is always
 * admitted, so a reader always makes progress.
 *
 * @example
 * const budget = new ResponseBudget(8 * 1024 * 1024);
 * for (const row of statement.iterate()) {
 *   if (!budget.admit(sizeOf(row))) break; // the rest waits for the next request
 *   messages.push(row);
 * }
 */
export class ResponseBudget {
  private used = 0;
  private admitted = 0;

  /** @param bytes the budget; @default ResponseLimits.bytes.default */
  public constructor(public readonly bytes: number = ResponseLimits.bytes.default) {}

  /** Counts a message of `size` bytes and answers true when it fits, or when it is the first; false (counting nothing) otherwise. */
  public admit(size: number): boolean {
    if (this.admitted > 0 && this.used + size > this.bytes) return false;
    this.used += size;
    this.admitted += 1;
    return true;
  }

  /**
   * How many more messages surely fit when each may be as large as a message
   * can be: for sources that hand messages out before their size is known (an
   * SQS receive), and where taking one too many costs something (a delivery
   * attempt). At least 1 while nothing was admitted.
   */
  public room(largest: number = PublishLimits.messageBytes): number {
    const fits = Math.floor((this.bytes - this.used) / largest);
    return this.admitted === 0 ? Math.max(1, fits) : Math.max(0, fits);
  }
}
