import { ResponseLimits } from '../../domain/constants.js';
import { StorageError } from '../../domain/errors.js';
import { deadLetterBytes, LARGEST_DEAD_LETTER_BYTES, ResponseBudget } from '../../domain/ResponseBudget.js';
import type { DeadLetter, Message, Subscription } from '../../domain/types.js';
import type { DeadLetterQueues } from '../../ports/DeadLetterQueues.js';
import { outgoingCopy } from './sqs/deadLetterMoves.js';
import type { QueueDirectory, SubscriptionQueuePair } from './sqs/QueueDirectory.js';
import { decodeQueueBody, readDeadLetterInfo } from './sqs/queueMessages.js';
import type { ReceivedSqsMessage, SqsQueue } from './sqs/SqsQueue.js';
import { redriveMaxReceiveCount } from './SubscriptionResources.js';

/** How long `list` hides the dead letters it reads before it gives them back. */
const LIST_HOLD_SECONDS = 10;
/** How long redrive and delete hide the dead letters they pass over until their scan ends. */
const SCAN_HOLD_SECONDS = 120;

/** One dead letter as a receive of the DLQ found it; `message` is null when the body is not Conveyor's. */
interface FoundLetter {
  readonly received: ReceivedSqsMessage;
  readonly message: Message | null;
}

/**
 * Each subscription's dead letters live in its SQS dead-letter queue. SQS has
 * no way to read a queue without receiving, so `list` receives with a short
 * visibility timeout and makes what it read visible again at once; redrive and
 * delete receive the whole DLQ page by page. Redrive is done by hand (copies
 * sent to the work queue, then deleted from the DLQ): SQS's StartMessageMoveTask
 * moves everything or nothing, cannot pick messages by id, and moto does not
 * implement it. A redriven copy is a new SQS message: attempts start again at 1.
 * On an ordered subscription it joins the end of its key's queue (SQS FIFO
 * cannot put a message ahead of others of its group).
 *
 * @example
 * const deadLetters = new SqsDeadLetterQueues(directory);
 * await deadLetters.redrive(subscription, ['order-17']);
 */
export class SqsDeadLetterQueues implements DeadLetterQueues {
  public constructor(
    private readonly directory: QueueDirectory,
    /** Bytes of messages one listing returns at most (ResponseBudget). */
    private readonly responseBytes: number = ResponseLimits.bytes.default,
  ) {}

  /**
   * Up to `limit` dead letters, in no particular order, as many as the byte
   * budget holds: no receive asks for more than the rest of the budget holds
   * at the largest dead-letter size. A listing by two callers at once may see fewer.
   */
  public async list(subscription: Subscription, limit: number): Promise<DeadLetter[]> {
    const { deadLetterQueue } = await this.directory.subscriptionQueues(subscription);
    const found = new Map<string, FoundLetter>();
    const budget = new ResponseBudget(this.responseBytes);
    let spent = false;
    try {
      while (found.size < limit && budget.room(LARGEST_DEAD_LETTER_BYTES) > 0 && !spent) {
        const page = await this.receivePage(deadLetterQueue, Math.min(limit - found.size, budget.room(LARGEST_DEAD_LETTER_BYTES)), LIST_HOLD_SECONDS);
        const before = found.size;
        for (const letter of page) {
          const fresh = !found.has(letter.received.messageId);
          found.set(letter.received.messageId, letter);
          // Only an oversized message (stored before the size limit counted everything) is refused: the budget is spent.
          if (fresh && letter.message !== null && !budget.admit(deadLetterBytes(toDeadLetter(subscription, letter.received, letter.message)))) spent = true;
        }
        // Nothing new: the DLQ is read through (or what comes back outlasted its hold).
        if (found.size === before) break;
      }
    } finally {
      await deadLetterQueue.changeVisibility([...found.values()].map(({ received }) => ({ receiptHandle: received.receiptHandle, seconds: 0 })));
    }
    return [...found.values()].flatMap(({ received, message }) => (message === null ? [] : [toDeadLetter(subscription, received, message)])).slice(0, limit);
  }

  /** Sends copies of the chosen dead letters (all when `ids` is absent) to the work queue, then deletes them from the DLQ. */
  public async redrive(subscription: Subscription, ids: readonly string[] | undefined): Promise<number> {
    const queues = await this.directory.subscriptionQueues(subscription);
    return this.scan(queues, ids, async (chosen) => {
      const letters = chosen.flatMap(({ received, message }) => (message === null ? [] : [{ received, message }]));
      const refused = await queues.queue.send(letters.map(({ message }) => outgoingCopy('redrive', message)));
      const [first] = refused;
      if (first !== undefined) throw new StorageError(`SQS refused ${refused.length} redriven message(s) of subscription ${JSON.stringify(subscription.name)}: ${first.code}: ${first.message}`);
      await queues.deadLetterQueue.delete(letters.map(({ received }) => received.receiptHandle));
      return letters.length;
    });
  }

  /** Deletes the chosen dead letters for good (all when `ids` is absent, unreadable ones included). */
  public async delete(subscription: Subscription, ids: readonly string[] | undefined): Promise<number> {
    const queues = await this.directory.subscriptionQueues(subscription);
    return this.scan(queues, ids, async (chosen) => {
      await queues.deadLetterQueue.delete(chosen.map(({ received }) => received.receiptHandle));
      return chosen.length;
    });
  }

  /**
   * Receives the whole DLQ page by page and hands each page's chosen letters
   * to `act`; the others stay hidden until the scan ends (so the scan moves on),
   * then are made visible again. Answers the sum of what `act` answered.
   */
  private async scan(queues: SubscriptionQueuePair, ids: readonly string[] | undefined, act: (chosen: FoundLetter[]) => Promise<number>): Promise<number> {
    const wanted = ids === undefined ? undefined : new Set(ids);
    const passed = new Map<string, string>();
    const seen = new Set<string>();
    let done = 0;
    try {
      for (;;) {
        const page = await this.receivePage(queues.deadLetterQueue, Number.POSITIVE_INFINITY, SCAN_HOLD_SECONDS);
        // A letter seen before came back because the scan outlasted its hold: keep its newest handle, and stop.
        const fresh = page.filter(({ received }) => !seen.has(received.messageId));
        for (const { received } of page) if (passed.has(received.messageId)) passed.set(received.messageId, received.receiptHandle);
        if (fresh.length === 0) break;
        for (const { received } of fresh) seen.add(received.messageId);
        const chosen = fresh.filter(({ message }) => wanted === undefined || (message !== null && wanted.has(message.id)));
        for (const letter of fresh) if (!chosen.includes(letter)) passed.set(letter.received.messageId, letter.received.receiptHandle);
        if (chosen.length > 0) done += await act(chosen);
      }
    } finally {
      await queues.deadLetterQueue.changeVisibility([...passed.values()].map((receiptHandle) => ({ receiptHandle, seconds: 0 })));
    }
    return done;
  }

  private async receivePage(queue: SqsQueue, max: number, holdSeconds: number): Promise<FoundLetter[]> {
    const received = await queue.receive({ max: Math.min(10, max), waitSeconds: 0, visibilitySeconds: holdSeconds });
    return received.map((message) => ({ received: message, message: decodeQueueBody(message.body) }));
  }
}

/**
 * The dead letter a DLQ message stands for. Conveyor's own moves record the
 * attempts, time and reason as attributes; a message SQS's redrive moved (the
 * net under those) has none: it was delivered maxReceiveCount times, its
 * dead-letter time is unknown (SentTimestamp, when it entered the subscription,
 * stands in) and its reason too.
 */
function toDeadLetter(subscription: Subscription, received: ReceivedSqsMessage, message: Message): DeadLetter {
  const info = readDeadLetterInfo(received.attributes, { attempts: redriveMaxReceiveCount(subscription), deadLetteredAt: received.sentAt, lastError: null });
  return { ...message, deliveryAttempt: info.attempts, deadLetteredAt: new Date(info.deadLetteredAt).toISOString(), lastError: info.lastError };
}
