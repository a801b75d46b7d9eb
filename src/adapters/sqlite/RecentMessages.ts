import type { Message } from '../../domain/types.js';

/** A logged message as its publish left it (its topic is the pulling subscription's): what a pull hands out without reading the log row again. */
export interface RecentMessage extends Omit<Message, 'topic'> {
  /** storedMessageBytes, counted once at publish. */
  readonly bytes: number;
}

interface Entry {
  readonly message: RecentMessage;
  readonly addedAt: number;
}

/** 16 MiB: about 14,000 messages of 1 KiB, more than competing consumers that keep up trail the publishers by. */
export const RECENT_MESSAGE_BYTES = 16 * 1024 * 1024;
/** A message not pulled within a second of its publish waits in a backlog, read in its turn from the log. */
export const RECENT_MESSAGE_MS = 1000;

/**
 * The messages appended most recently, by log seq, bounded by their stored
 * bytes and by their age (oldest dropped first). A pull of a message published moments ago, the
 * common case of a work queue that keeps up, takes it from here instead of
 * reading and parsing its log row.
 *
 * Entries are added inside the write job that inserts the row; a rolled-back
 * job forgets its entries (WriteContext.onRollback). Log seqs are SQLite rowids,
 * which a deleted row's successor may reuse, so deleting log rows empties the
 * cache: no entry ever outlives its row.
 */
export class RecentMessages {
  private readonly entries = new Map<number, Entry>();
  private bytes = 0;

  public constructor(
    private readonly now: () => number = Date.now,
    private readonly maxBytes: number = RECENT_MESSAGE_BYTES,
    private readonly maxAgeMs: number = RECENT_MESSAGE_MS,
  ) {}

  public get(seq: number): RecentMessage | undefined {
    return this.entries.get(seq)?.message;
  }

  public add(seq: number, message: RecentMessage): void {
    const now = this.now();
    this.forget(seq);
    if (message.bytes <= this.maxBytes) {
      this.entries.set(seq, { message, addedAt: now });
      this.bytes += message.bytes;
    }
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes && entry.addedAt >= now - this.maxAgeMs) break;
      this.entries.delete(oldest);
      this.bytes -= entry.message.bytes;
    }
  }

  public forget(seq: number): void {
    const entry = this.entries.get(seq);
    if (entry === undefined) return;
    this.entries.delete(seq);
    this.bytes -= entry.message.bytes;
  }

  /** Log rows were deleted: their seqs may be reused. */
  public clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
