import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../../../../src/adapters/sqlite/SqliteStore.js';
import { makeDataDir, removeDataDir } from '../../../helpers/dataDir.js';

const MiB = 1024 * 1024;

describe('Class: SqliteStore', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = makeDataDir('store');
  });

  afterEach(() => removeDataDir(dataDir));

  it('starts the WAL over under steady writes, long before the 32 MB backstop of SQLite’s own checkpoint', async () => {
    // Prepare
    const store = SqliteStore.open({ dataDir });
    store.db.exec('CREATE TABLE blobs (body BLOB NOT NULL)');
    const insert = store.db.prepare('INSERT INTO blobs (body) VALUES (?)');
    const wal = join(dataDir, 'conveyor.db-wal');
    let largestWal = 0;

    // Act: 48 MB in 400 writes of 120 KB, four at a time
    for (let round = 0; round < 100; round += 1) {
      await Promise.all(
        Array.from({ length: 4 }, (_, job) =>
          store.writer.submit(() => {
            for (let row = 0; row < 30; row += 1) insert.run(Buffer.alloc(4000, round + job + row));
          }),
        ),
      );
      largestWal = Math.max(largestWal, statSync(wal).size);
    }
    await store.close();

    // Assess
    expect(largestWal).toBeGreaterThan(4 * MiB);
    expect(largestWal).toBeLessThan(24 * MiB);
  });
});
