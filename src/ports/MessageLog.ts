import type { Json, Message, PartitionStats, Topic } from '../domain/types.js';

/** A message ready to be appended: id assigned and partition chosen by the broker. */
export interface LogEntry {
  readonly id: string;
  readonly partition: number;
  readonly key: string | null;
  readonly body: Json;
  /** `body` serialized, when the caller has it already (a publish checked its size with it). */
  readonly bodyText?: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Whether the id came from the client, so it must be remembered for dedup. */
  readonly clientId: boolean;
  /** Epoch ms in the future: the entry waits (timers) and enters the log, getting its offset, then. */
  readonly dueAt?: number;
}

/**
 * Where a published message went: its log position, or, while it waits for its
 * delivery time, when it will enter the log. A duplicate points at the original.
 */
export type PublishOutcome =
  | { readonly id: string; readonly partition: number; readonly offset: number; readonly duplicate: boolean }
  | { readonly id: string; readonly scheduledFor: number; readonly duplicate: boolean };

export type ReadPosition = { readonly offset: number } | { readonly time: number } | { readonly oldest: true };

export interface ReadPage {
  readonly messages: Message[];
  readonly nextOffset: number;
}

/**
 * The ordered, replayable log of every topic (Kafka's model): per partition,
 * offsets 0,1,2,… with no gaps, in commit order.
 */
export interface MessageLog {
  /**
   * Publishes the entries in one atomic, durable write: entries due now are appended
   * (keeping their order within each partition) and handed to fan-out; entries with
   * a future `dueAt` are stored for the timers. An entry whose client id was already
   * published to the topic within its dedup window, earlier in this very batch
   * included, is not stored again: its outcome points at the original with
   * `duplicate: true`. Dedup lives here, not in a port of its own, because it must
   * commit in the same write as the append.
   */
  append(topic: Topic, entries: readonly LogEntry[]): Promise<PublishOutcome[]>;
  /**
   * Up to `limit` messages of the partition from `from` on, in offset order,
   * stopping before the message that would pass the backend's response byte
   * budget (ResponseBudget; the first message always comes). `nextOffset` is
   * the offset after the last message returned: reading on from it skips and
   * repeats nothing.
   */
  read(topic: Topic, partition: number, from: ReadPosition, limit: number): Promise<ReadPage>;
  stats(topic: Topic): Promise<PartitionStats[]>;
  /** Deletes messages older than their topic's retention; returns how many went. */
  trimExpired(now: number): Promise<number>;
}
