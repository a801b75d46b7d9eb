import type { DelayedMessages } from '../../ports/DelayedMessages.js';

/**
 * The AWS backend's DelayedMessages: nothing to poll. The timers are SQS
 * (DelaySeconds, up to 15 minutes) and EventBridge Scheduler (one-time
 * schedules for longer delays), and the delay-queue consumer releases each
 * message when it is due (see DelayQueueSender and DelayQueueConsumer). So the
 * broker's maintenance loop finds nothing due here and no time to wake for.
 *
 * @example
 * const delayed = new AwsDelayedMessages();
 * await delayed.releaseDue(Date.now()); // 0
 * await delayed.nextDueAt(); // null
 */
export class AwsDelayedMessages implements DelayedMessages {
  /** Always 0: the delay-queue consumer releases due messages as SQS hands them over. */
  public async releaseDue(): Promise<number> {
    return 0;
  }

  /** Always null: no timer in this process needs waking for a delayed message. */
  public async nextDueAt(): Promise<number | null> {
    return null;
  }
}
