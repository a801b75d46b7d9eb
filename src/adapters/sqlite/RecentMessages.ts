import type { Attributes, Json } from '../../domain/types.js';

/** A logged message as its publish left it: what a pull hands out without reading the log row again. */
export interface RecentMessage {
  readonly id: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly body: Json;
  readonly attributes: Attributes;
  readonly publishedAt: string;
  /** storedMessageBytes, counted once at publish. */
  readonly bytes: number;
}

/** 4 MiB: a few thousand 1 KiB messages, more than competing consumers usually trail the publishers by. */
export const RECENT_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * The messages appended most recently, by log seq, bounded by their stored
 * bytes (oldest dropped first). A pull of a message published moments ago, the
 * common case of a work queue that keeps up, takes it from here instead of
 * reading and parsing its log row.
 *
 * Entries are added inside the write job that inserts the row; a rolled-back
 * job forgets its entries (WriteContext.onRollback). Log seqs are SQLite rowids,
 * which a deleted row's successor may reuse, so deleting log rows empties the
 * cache: no entry ever outlives its row.
 */
export class RecentMessages {
  private readonly entries = new Map<number, RecentMessage>();
  private bytes = 0;

  public constructor(private readonly maxBytes: number = RECENT_MESSAGE_BYTES) {}

  public get(seq: number): RecentMessage | undefined {
    return this.entries.get(seq);
  }

  public add(seq: number, message: RecentMessage): void {
    if (message.bytes > this.maxBytes) return;
    this.forget(seq);
    this.entries.set(seq, message);
    this.bytes += message.bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  public forget(seq: number): void {
    const entry = this.entries.get(seq);
    if (entry === undefined) return;
    this.entries.delete(seq);
    this.bytes -= entry.bytes;
  }

  /** Log rows were deleted: their seqs may be reused. */
  public clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
