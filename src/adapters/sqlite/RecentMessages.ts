import type { Message } from '../../domain/types.js';

/** A logged message as its publish left it (its topic is the pulling subscription's): what a pull hands out without reading the log row again. */
export interface RecentMessage extends Omit<Message, 'topic'> {
  /** storedMessageBytes, counted once at publish. */
  readonly bytes: number;
}

interface Entry {
  readonly seq: number;
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
  /**
   * Every entry in the order it was added, oldest from `head` on; a forgotten
   * one stays until its turn. (Iterating the Map from its start to find the
   * oldest would step over every slot deleted since its last rehash, on every add.)
   */
  private order: Entry[] = [];
  private head = 0;
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
      const entry: Entry = { seq, message, addedAt: now };
      this.entries.set(seq, entry);
      this.order.push(entry);
      this.bytes += message.bytes;
    }
    this.dropOldest(now);
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
    this.order = [];
    this.head = 0;
    this.bytes = 0;
  }

  /** Drops the oldest entries while they are over the bytes or the age, and passes over forgotten ones. */
  private dropOldest(now: number): void {
    while (this.head < this.order.length) {
      const oldest = this.order[this.head]!;
      const held = this.entries.get(oldest.seq) === oldest;
      if (held && this.bytes <= this.maxBytes && oldest.addedAt >= now - this.maxAgeMs) break;
      this.head += 1;
      if (held) {
        this.entries.delete(oldest.seq);
        this.bytes -= oldest.message.bytes;
      }
    }
    if (this.head >= 1024 && this.head * 2 >= this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
