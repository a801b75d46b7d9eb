import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, ReadQuery, ReadResponse } from '../../client/index.js';
import { ReadLimits } from '../../domain/constants.js';

/** Where reading starts in every partition read. */
export type TailStart =
  | { readonly from: 'beginning' }
  /** The partitions' next offsets when the tail starts: only what is appended from then on. */
  | { readonly from: 'end'; readonly nextOffsets: ReadonlyMap<number, number> }
  | { readonly from: 'offset'; readonly offset: number }
  | { readonly from: 'time'; readonly time: string };

export interface TailOptions {
  readonly partitions: readonly number[];
  readonly start: TailStart;
  /** Keep polling once every partition is read to its end. */
  readonly follow: boolean;
  /** Stop after this many messages. */
  readonly max?: number;
  /** Pause between polls when following. */
  readonly pollMs: number;
}

/** Reads one page of a partition (the client's readMessages). */
export type ReadPage = (partition: number, query: ReadQuery) => Promise<ReadResponse>;

/**
 * Reads a topic's log like kafka-console-consumer: page by page (up to 1000
 * messages, or the server's byte budget) from each partition in turn, from
 * where `start` says, each partition until a read comes back empty. Without
 * `follow` it ends when every partition is read to its end; with it, it polls
 * every `pollMs` for what is appended, until `signal` aborts. It never changes
 * a consumer group or subscription.
 *
 * @example
 * const tail = new LogTail((p, q) => client.readMessages('orders', p, q), { partitions: [0, 1], start: { from: 'beginning' }, follow: false, pollMs: 500 });
 * const count = await tail.run((message) => print(message));
 */
export class LogTail {
  public constructor(
    private readonly read: ReadPage,
    private readonly options: TailOptions,
  ) {}

  /** Hands every message to `onMessage` in partition and offset order per partition; resolves with how many. */
  public async run(onMessage: (message: Message) => void, signal?: AbortSignal): Promise<number> {
    const { partitions, follow, max, pollMs } = this.options;
    const next = new Map<number, number | undefined>(partitions.map((partition) => [partition, this.firstOffset(partition)]));
    let count = 0;
    for (;;) {
      const pending = new Set(partitions);
      while (pending.size > 0) {
        for (const partition of [...pending]) {
          if (signal?.aborted === true || (max !== undefined && count >= max)) return count;
          const limit = Math.min(ReadLimits.limit.max, max === undefined ? ReadLimits.limit.max : max - count);
          const page = await this.read(partition, { ...this.queryFor(next.get(partition)), limit });
          next.set(partition, page.nextOffset);
          for (const message of page.messages) onMessage(message);
          count += page.messages.length;
          if (page.messages.length === 0) pending.delete(partition);
        }
      }
      if (!follow) return count;
      try {
        await sleep(pollMs, undefined, signal === undefined ? {} : { signal });
      } catch {
        return count;
      }
    }
  }

  private firstOffset(partition: number): number | undefined {
    const { start } = this.options;
    if (start.from === 'offset') return start.offset;
    if (start.from === 'end') return start.nextOffsets.get(partition) ?? 0;
    return undefined;
  }

  /** `fromOffset` once an offset is known (after a partition's first read, always); before, `fromTime` when starting at a time, or neither: the oldest retained. */
  private queryFor(offset: number | undefined): Omit<ReadQuery, 'limit'> {
    if (offset !== undefined) return { fromOffset: offset };
    if (this.options.start.from === 'time') return { fromTime: this.options.start.time };
    return {};
  }
}
