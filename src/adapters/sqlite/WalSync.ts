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
/** While syncs run in the thread pool, every this many runs one on the loop to time the disk again. */
export const PROBE_EVERY = 32;
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
 * thread pool, so the loop goes on parsing and committing meanwhile; every
 * PROBE_EVERY-th sync then runs on the loop again to see whether the disk
 * got faster. A single slow sync (a checkpoint's fsync in the way) moves the
 * typical duration a quarter of the way, not all of it.
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
  private sinceProbe = 0;

  public constructor(
    private readonly path: string,
    private readonly calls: SyncCalls = NODE_SYNC_CALLS,
  ) {}

  /** Makes everything written to the file so far durable. */
  public async sync(): Promise<void> {
    // fsync applies to the file, whichever descriptor asks, so a read-only handle suffices.
    this.handle ??= await open(this.path, 'r');
    if (!this.onLoop()) {
      this.stats.inPool += 1;
      await this.calls.inPool(this.handle);
      return;
    }
    const start = this.calls.now();
    this.calls.onLoop(this.handle);
    this.stats.onLoop += 1;
    this.typicalMs += (this.calls.now() - start - this.typicalMs) * WEIGHT;
  }

  public async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private onLoop(): boolean {
    if (this.typicalMs < ON_LOOP_SYNC_MS) return true;
    this.sinceProbe += 1;
    if (this.sinceProbe < PROBE_EVERY) return false;
    this.sinceProbe = 0;
    return true;
  }
}
