import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { WalCheckpointer } from '../../../../src/adapters/sqlite/WalCheckpointer.js';

async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(10);
}

describe('Class: WalCheckpointer', () => {
  let dir: string;
  let db: Database;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'conveyor-checkpoint-'));
    path = join(dir, 'conveyor.db');
    db = new BetterSqlite3(path);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE items (body BLOB NOT NULL)');
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages from the WAL into the database file from its own thread', async () => {
    // Prepare: 200 × 3 KB committed, all of it still only in the WAL
    const insert = db.prepare('INSERT INTO items (body) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 200; i += 1) insert.run(Buffer.alloc(3000, i));
    })();
    const before = statSync(path).size;

    // Act
    const checkpointer = WalCheckpointer.start({ path, synchronous: 'FULL', intervalMs: 20 });
    await eventually(() => statSync(path).size > before + 200 * 3000);
    await checkpointer.stop();

    // Assess
    expect(before).toBeLessThan(200 * 3000);
    expect(statSync(path).size).toBeGreaterThan(before + 200 * 3000);
  });

  it('asks the writer to finish a checkpoint itself once the WAL passes the threshold', async () => {
    // Prepare
    const checkpointer = WalCheckpointer.start({ path, synchronous: 'FULL', intervalMs: 20, catchUpFrames: 50 });
    const insert = db.prepare('INSERT INTO items (body) VALUES (?)');

    // Act: 100 pages and more in the WAL
    db.transaction(() => {
      for (let i = 0; i < 200; i += 1) insert.run(Buffer.alloc(3000, i));
    })();
    await eventually(() => checkpointer.catchUpRequested);
    await checkpointer.stop();

    // Assess
    expect(checkpointer.catchUpRequested).toBe(true);
  });

  it('reports a failing checkpoint instead of crashing the process', async () => {
    // Prepare: a path that is no database
    const errors: string[] = [];

    // Act
    const checkpointer = WalCheckpointer.start({ path: join(dir, 'missing.db'), synchronous: 'FULL', intervalMs: 20 }, (message) => errors.push(message));
    await eventually(() => errors.length > 0);
    await checkpointer.stop();

    // Assess
    expect(errors).toEqual([expect.stringMatching(/SQLITE_CANTOPEN|unable to open/)]);
  });
});
