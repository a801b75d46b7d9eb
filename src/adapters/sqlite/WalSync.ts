import { fdatasyncSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

/**
 * A sync typically this short (ms) runs on the event loop. Handing it to the
 * thread pool costs two thread wake-ups, and on a machine whose cores are busy
 * the pool's thread waits for one: on two cores with the clients on the same
 * machine, that put about 1.5 ms on GROUP's p99 of publish→deliver, where the
 * fdatasync itself took 0.2–0.3 ms.
 */
export const ON_LOOP_SYNC_MS = 1;
/**
 * While syncs run in the thread pool, one a second at most runs on the loop to
 * time the disk again: a slow disk holds the loop that long once a second, not
 * at every sync.
 */
export const PROBE_INTERVAL_MS = 1000;
/** Weight of the newest timing in the typical duration. */
const WEIGHT = 0.25;

/** The two ways to fdatasync a file, and the clock that times them. */
export interface SyncCalls {
  onLoop(handle: FileHandle): void;
  inPool(handle: FileHandle): Promise<void>;
  now(): number;
}

/** fdatasync(2) on the loop or in libuv's thread pool, timed by the monotonic clock. */
export const NODE_SYNC_CALLS: SyncCalls = {
  onLoop: (handle) => fdatasyncSync(handle.fd),
  inPool: (handle) => handle.datasync(),
  now: () => performance.now(),
};

/**
 * GROUP's sync of the WAL (SqliteStore): one fdatasync covering every batch
 * committed before it. It runs where it costs the loop least. On a disk that
 * syncs in under ON_LOOP_SYNC_MS, on the loop, timed. On a slower one, in the
 * thread pool, so the loop goes on parsing and committing meanwhile. A sync in
 * the pool is timed with its hand-off, which can only make it look slower, so
 * it counts only when it came back faster than the typical sync. Once per
 * PROBE_INTERVAL_MS a sync runs on the loop instead, to time the disk itself.
 * Each timing moves the typical duration a quarter of the way, so one slow sync
 * (a checkpoint's fsync in the way) does not move it all the way.
 *
 * @example
 * const wal = new WalSync('data/conveyor.db-wal');
 * await wal.sync();
 * await wal.close();
 */
export class WalSync {
  /** Syncs run on the loop and in the thread pool: for tests and metrics. */
  public readonly stats = { onLoop: 0, inPool: 0 };
  private handle: FileHandle | undefined;
  private typicalMs = 0;
  private lastOnLoop = Number.NEGATIVE_INFINITY;

  public constructor(
    private readonly path: string,
    private readonly calls: SyncCalls = NODE_SYNC_CALLS,
  ) {}

  /** Makes everything written to the file so far durable. */
  public async sync(): Promise<void> {
    // fsync applies to the file, whichever descriptor asks, so a read-only handle suffices.
    this.handle ??= await open(this.path, 'r');
    const start = this.calls.now();
    const onLoop = this.onLoop(start);
    if (onLoop) {
      this.lastOnLoop = start;
      this.calls.onLoop(this.handle);
      this.stats.onLoop += 1;
    } else {
      await this.calls.inPool(this.handle);
      this.stats.inPool += 1;
    }
    const took = this.calls.now() - start;
    // A sync in the pool is timed with its hand-off, so it can show the disk faster than thought, never slower.
    if (onLoop || took < this.typicalMs) this.typicalMs += (took - this.typicalMs) * WEIGHT;
  }

  public async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private onLoop(now: number): boolean {
    return this.typicalMs < ON_LOOP_SYNC_MS || now - this.lastOnLoop >= PROBE_INTERVAL_MS;
  }
}
