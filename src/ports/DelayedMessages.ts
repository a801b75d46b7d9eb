import type { DelayedPage, Topic } from '../domain/types.js';

/**
 * Timers for delayed delivery. Entries published with a future `dueAt` (see
 * MessageLog.append) wait, indexed by due time, and enter the log (getting their
 * offset) when due. There is no timer per message.
 */
export interface DelayedMessages {
  /** Appends every entry due at `now` to the log; returns how many. */
  releaseDue(now: number): Promise<number>;
  /** Earliest due time of any waiting entry, or null. */
  nextDueAt(): Promise<number | null>;
  /**
   * The topic's waiting messages in due order, up to `limit` and no more than
   * the backend's response byte budget holds (at least one when one waits),
   * continuing after `cursor` (a `nextCursor` this method answered for the
   * same topic; InvalidRequest for anything else).
   */
  list(topic: Topic, cursor: string | null, limit: number): Promise<DelayedPage>;
  /** How many messages of the topic wait for their delivery time. */
  count(topic: Topic): Promise<number>;
  /**
   * Cancels every waiting message of the topic with this id, so that none is
   * ever delivered; returns how many it cancelled. A message released into
   * the log first is not cancelled (it is not counted): cancel and release of
   * one message exclude each other.
   */
  cancel(topic: Topic, id: string): Promise<number>;
}
