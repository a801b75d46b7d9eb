/**
 * Where a backend knowingly promises less than the embedded broker, because the
 * AWS service underneath works that way. A spec of such a promise passes on
 * every backend without the difference and, on the others, runs and must fail,
 * under a name that says so. The README lists the same differences for users.
 */
export const Difference = {
  /**
   * SQS moves a message whose every lease expired to the DLQ on the next
   * receive, not when the last lease expires, and records no nack reason then.
   */
  LazyDeadLettering: 'LazyDeadLettering',
  /** SQS accepts a receipt handle that was already used, so a used ack id is not reported. */
  UsedAckIdsAccepted: 'UsedAckIdsAccepted',
  /** Standard SQS queues are not ordered: a pull is not oldest first across the subscription. */
  UnorderedPulls: 'UnorderedPulls',
  /** When a lease expires, SQS makes the message visible at once, without the retry backoff. */
  NoBackoffAfterLeaseExpiry: 'NoBackoffAfterLeaseExpiry',
  /**
   * Subscription stats come from SQS's approximate counters: messages held back
   * behind their key or waiting out a nack backoff count as backlog or in flight,
   * not as delayed, and the age of the oldest unacked message is not available (0).
   */
  ApproximateStats: 'ApproximateStats',
  /** A redriven message of an ordered (FIFO) subscription joins the end of its key's queue. */
  RedriveJoinsKeyTail: 'RedriveJoinsKeyTail',
  /** Retention trims the log; subscription queues keep their copies for SQS's own retention (14 days). */
  QueuesOutliveRetention: 'QueuesOutliveRetention',
  /** SQS cannot take back a message a long-poll leased just before its client went away. */
  LongPollLeasesAfterDisconnect: 'LongPollLeasesAfterDisconnect',
} as const;
export type Difference = (typeof Difference)[keyof typeof Difference];
