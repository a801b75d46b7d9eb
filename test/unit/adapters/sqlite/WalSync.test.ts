import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_SYNC_CALLS, ON_LOOP_SYNC_MS, PROBE_INTERVAL_MS, WalSync, type SyncCalls } from '../../../../src/adapters/sqlite/WalSync.js';

/**
 * A disk on a clock its syncs advance: the next durations (ms) of syncs on the
 * loop, and of syncs in the pool (their hand-off included), the last repeating.
 */
class FakeDisk implements SyncCalls {
  public readonly where: Array<'loop' | 'pool'> = [];
  private clock = 0;

  public constructor(
    private readonly onLoopMs: number[],
    private readonly inPoolMs: number[] = onLoopMs,
  ) {}

  public now(): number {
    return this.clock;
  }

  public onLoop(): void {
    this.where.push('loop');
    this.clock += next(this.onLoopMs);
  }

  public async inPool(): Promise<void> {
    this.where.push('pool');
    this.clock += next(this.inPoolMs);
  }

  /** The indexes of the syncs run on the loop. */
  public onLoopAt(): number[] {
    return this.where.flatMap((where, index) => (where === 'loop' ? [index] : []));
  }
}

function next(durations: number[]): number {
  return durations.length > 1 ? durations.shift()! : durations[0]!;
}

describe('Class: WalSync', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'conveyor-walsync-'));
    path = join(dir, 'conveyor.db-wal');
    writeFileSync(path, 'committed frames');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function syncTimes(wal: WalSync, times: number): Promise<void> {
    for (let i = 0; i < times; i += 1) await wal.sync();
    await wal.close();
  }

  it('syncs on the event loop while the disk syncs faster than a hand-off to the thread pool costs', async () => {
    // Prepare
    const disk = new FakeDisk([0.3]);
    const wal = new WalSync(path, disk);

    // Act
    await syncTimes(wal, 50);

    // Assess
    expect(disk.where.every((where) => where === 'loop')).toBe(true);
    expect(wal.stats).toEqual({ onLoop: 50, inPool: 0 });
  });

  it('moves to the thread pool once syncs are slow, and times the disk on the loop once per PROBE_INTERVAL_MS', async () => {
    // Prepare: every sync takes 8 ms, so a probe is due every PROBE_INTERVAL_MS / 8 syncs
    const disk = new FakeDisk([8]);
    const wal = new WalSync(path, disk);
    const perProbe = PROBE_INTERVAL_MS / 8;

    // Act
    await syncTimes(wal, 1 + 2 * perProbe);

    // Assess: the first sync is timed at 8 ms (a quarter of the way from 0: 2 ms, over ON_LOOP_SYNC_MS), then probes only
    expect(disk.onLoopAt()).toEqual([0, perProbe, 2 * perProbe]);
    expect(wal.stats).toEqual({ onLoop: 3, inPool: 2 * perProbe - 2 });
  });

  it('comes back to the loop when syncs in the pool, hand-off and all, take less than the typical sync', async () => {
    // Prepare: one slow sync on the loop (a checkpoint's fsync in the way), then fast ones in the pool
    const disk = new FakeDisk([4 * ON_LOOP_SYNC_MS + 1, 0.2], [0.2]);
    const wal = new WalSync(path, disk);

    // Act
    await syncTimes(wal, 10);

    // Assess
    expect(disk.where).toEqual(['loop', 'pool', ...Array<string>(8).fill('loop')]);
  });

  it('comes back to the loop at the next probe when only the hand-offs are slow', async () => {
    // Prepare: one slow sync on the loop, then 3 ms in the pool (a busy machine), 0.2 ms on the loop
    const disk = new FakeDisk([4 * ON_LOOP_SYNC_MS + 1, 0.2], [3]);
    const wal = new WalSync(path, disk);

    // Act
    await syncTimes(wal, 400);

    // Assess: slow pool syncs tell nothing about the disk; the probe after PROBE_INTERVAL_MS does, and every sync after it runs on the loop
    const firstProbe = disk.onLoopAt()[1]!;
    expect(firstProbe).toBe(1 + Math.ceil((PROBE_INTERVAL_MS - (4 * ON_LOOP_SYNC_MS + 1)) / 3));
    expect(disk.where.slice(firstProbe).every((where) => where === 'loop')).toBe(true);
  });

  it('syncs the real file on the loop and in the thread pool', async () => {
    // Prepare: Node's own calls, on a clock that makes the first sync look slow, so the second goes to the pool
    let clock = 0;
    const wal = new WalSync(path, { ...NODE_SYNC_CALLS, now: () => (clock += 10 * ON_LOOP_SYNC_MS) });

    // Act
    await syncTimes(wal, 2);

    // Assess
    expect(wal.stats).toEqual({ onLoop: 1, inPool: 1 });
  });

  it('fails the sync when the file cannot be opened, so no write is answered as durable', async () => {
    // Prepare
    const wal = new WalSync(join(dir, 'missing-wal'));

    // Act
    const syncing = wal.sync();

    // Assess
    await expect(syncing).rejects.toThrow(/ENOENT/);
  });
});
