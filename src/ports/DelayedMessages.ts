import type { Topic } from '../domain/types.js';
import type { LogEntry, PublishOutcome } from './MessageLog.js';

export interface DelayedEntry extends LogEntry {
  /** Epoch milliseconds at which the entry enters the log. */
  readonly dueAt: number;
}

/**
 * Timers for delayed delivery. Entries wait here, indexed by due time, and
 * enter the log (getting their offset) when due. There is no timer per message.
 */
export interface DelayedMessages {
  /** Stores the entries durably, with the same dedup rule as the log. */
  schedule(topic: Topic, entries: readonly DelayedEntry[]): Promise<PublishOutcome[]>;
  /** Appends every entry due at `now` to the log; returns how many. */
  releaseDue(now: number): Promise<number>;
  /** Earliest due time of any waiting entry, or null. */
  nextDueAt(): Promise<number | null>;
}
