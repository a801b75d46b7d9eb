import type { DelayedPage, Topic } from '../../domain/types.js';
import type { Clock } from '../../ports/Clock.js';
import type { DelayedMessages } from '../../ports/DelayedMessages.js';
import type { DelayedSender } from './collaborators.js';
import { MAX_DELAY_SECONDS } from './delays/DelayQueue.js';
import type { DelayedIndex } from './dynamo/DelayedIndex.js';

/** Sends published closer than this to their due time went straight to the delay queue: no schedule to delete (a minute of slack for the clocks). */
const QUEUED_ONLY_MS = (MAX_DELAY_SECONDS - 60) * 1000;

/**
 * The AWS backend's DelayedMessages. Nothing to poll: the timers are SQS
 * (DelaySeconds, up to 15 minutes) and EventBridge Scheduler (one-time
 * schedules for longer delays), and the delay-queue consumer releases each
 * message when it is due (see DelayQueueSender and DelayQueueConsumer). So the
 * broker's maintenance loop finds nothing due here and no time to wake for.
 * Listing, counting and cancelling go to the index of delayed messages in
 * DynamoDB (DelayedIndex), which neither SQS nor Scheduler could answer.
 *
 * @example
 * const delayed = new AwsDelayedMessages(new DelayedIndex(clients.dynamo, resources), sender, systemClock);
 * await delayed.releaseDue(Date.now()); // 0
 * await delayed.cancel(topic, 'remind-customer-7'); // 1
 */
export class AwsDelayedMessages implements DelayedMessages {
  public constructor(
    private readonly index: DelayedIndex,
    private readonly sender: Pick<DelayedSender, 'unschedule'>,
    private readonly clock: Clock,
  ) {}

  /** Always 0: the delay-queue consumer releases due messages as SQS hands them over. */
  public async releaseDue(): Promise<number> {
    return 0;
  }

  /** Always null: no timer in this process needs waking for a delayed message. */
  public async nextDueAt(): Promise<number | null> {
    return null;
  }

  public list(topic: Topic, cursor: string | null, limit: number): Promise<DelayedPage> {
    return this.index.list(topic, cursor, limit, this.clock.now());
  }

  public count(topic: Topic): Promise<number> {
    return this.index.count(topic, this.clock.now());
  }

  /**
   * Marks each waiting message of the id cancelled (its envelope, in the delay
   * queue or a schedule, is then skipped when it arrives), then deletes the
   * one-time schedule of a long delay, so it does not fire for nothing. A
   * schedule that cannot be deleted fires, and its message is skipped: the
   * cancel stands either way.
   */
  public async cancel(topic: Topic, id: string): Promise<number> {
    let cancelled = 0;
    for (const entry of await this.index.waiting(topic, id)) {
      if (!(await this.index.cancel(topic, entry, this.clock.now()))) continue;
      cancelled += 1;
      if (entry.dueAt - entry.publishedAt > QUEUED_ONLY_MS) await this.sender.unschedule(topic, entry).catch(() => undefined);
    }
    return cancelled;
  }
}
