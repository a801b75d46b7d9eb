import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_SYNC_CALLS, ON_LOOP_SYNC_MS, PROBE_EVERY, WalSync, type SyncCalls } from '../../../../src/adapters/sqlite/WalSync.js';

/** A disk whose next syncs take the given durations (ms, the last one repeating), on a clock they advance. */
class FakeDisk implements SyncCalls {
  public readonly where: Array<'loop' | 'pool'> = [];
  private clock = 0;

  public constructor(private readonly durations: number[]) {}

  public now(): number {
    return this.clock;
  }

  public onLoop(): void {
    this.where.push('loop');
    this.clock += this.next();
  }

  public async inPool(): Promise<void> {
    this.where.push('pool');
    this.clock += this.next();
  }

  private next(): number {
    return this.durations.length > 1 ? this.durations.shift()! : this.durations[0]!;
  }
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
  }

  it('syncs on the event loop while the disk syncs faster than a hand-off to the thread pool costs', async () => {
    // Prepare
    const disk = new FakeDisk([0.3]);
    const wal = new WalSync(path, disk);

    // Act
    await syncTimes(wal, 50);
    await wal.close();

    // Assess
    expect(disk.where.every((where) => where === 'loop')).toBe(true);
    expect(wal.stats).toEqual({ onLoop: 50, inPool: 0 });
  });

  it('moves to the thread pool once syncs are slow, and times the disk on the loop every PROBE_EVERY-th sync', async () => {
    // Prepare
    const disk = new FakeDisk([8]);
    const wal = new WalSync(path, disk);

    // Act
    await syncTimes(wal, 1 + 2 * PROBE_EVERY);
    await wal.close();

    // Assess: the first sync is timed at 8 ms (a quarter of the way from 0: 2 ms ≥ ON_LOOP_SYNC_MS), then probes only
    const onLoop = disk.where.flatMap((where, index) => (where === 'loop' ? [index] : []));
    expect(onLoop).toEqual([0, PROBE_EVERY, 2 * PROBE_EVERY]);
    expect(wal.stats).toEqual({ onLoop: 3, inPool: 2 * PROBE_EVERY - 2 });
  });

  it('comes back to the loop when the probes find the disk fast again', async () => {
    // Prepare: one slow sync (a checkpoint's fsync in the way), then fast ones
    const disk = new FakeDisk([4 * ON_LOOP_SYNC_MS + 1, 0.2]);
    const wal = new WalSync(path, disk);

    // Act
    await syncTimes(wal, 1 + 20 * PROBE_EVERY);
    await wal.close();

    // Assess: a few probes bring the typical duration under the limit, and every sync after that runs on the loop
    const lastInPool = disk.where.lastIndexOf('pool');
    expect(lastInPool).toBeGreaterThan(0);
    expect(lastInPool).toBeLessThan(10 * PROBE_EVERY);
    expect(disk.where.slice(lastInPool + 1).every((where) => where === 'loop')).toBe(true);
  });

  it('syncs the real file on the loop and in the thread pool', async () => {
    // Prepare: Node's own calls, on a clock that makes the first sync look slow, so the second goes to the pool
    let clock = 0;
    const wal = new WalSync(path, { ...NODE_SYNC_CALLS, now: () => (clock += 10 * ON_LOOP_SYNC_MS) });

    // Act
    await wal.sync();
    await wal.sync();
    await wal.close();

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
