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
}
