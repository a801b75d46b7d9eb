import BetterSqlite3, { type Database } from 'better-sqlite3';
import { UnavailableError } from '../../../../src/domain/errors.js';
import { GroupCommitWriter } from '../../../../src/adapters/sqlite/GroupCommitWriter.js';

function openDatabase(): Database {
  const db = new BetterSqlite3(':memory:');
  db.exec('CREATE TABLE items (value TEXT NOT NULL)');
  return db;
}

const insert = (db: Database, value: string) => () => db.prepare('INSERT INTO items (value) VALUES (?)').run(value).changes;
const values = (db: Database): string[] => (db.prepare('SELECT value FROM items ORDER BY rowid').all() as Array<{ value: string }>).map((row) => row.value);

describe('Class: GroupCommitWriter', () => {
  describe('Method: submit', () => {
    it('commits writes submitted together in one transaction', async () => {
      // Prepare
      const db = openDatabase();
      const writer = new GroupCommitWriter(db);

      // Act
      await Promise.all(['a', 'b', 'c', 'd'].map((value) => writer.submit(insert(db, value))));

      // Assess
      expect(writer.stats).toEqual({ batches: 1, jobs: 4 });
      expect(values(db)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('resolves each job with its own result', async () => {
      const db = openDatabase();
      const writer = new GroupCommitWriter(db);

      await expect(Promise.all([writer.submit(() => 1), writer.submit(() => 'two')])).resolves.toEqual([1, 'two']);
    });

    it('rolls back only the failing job and commits the rest of the batch', async () => {
      // Prepare
      const db = openDatabase();
      const writer = new GroupCommitWriter(db);
      const failing = writer.submit(() => {
        insert(db, 'half-written')();
        throw new Error('job failed');
      });

      // Act
      const results = await Promise.allSettled([writer.submit(insert(db, 'before')), failing, writer.submit(insert(db, 'after'))]);

      // Assess
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(values(db)).toEqual(['before', 'after']);
    });

    it('runs afterCommit callbacks only once the batch has committed', async () => {
      // Prepare
      const db = openDatabase();
      const writer = new GroupCommitWriter(db);
      const seen: boolean[] = [];

      // Act
      await writer.submit((context) => {
        insert(db, 'x')();
        context.afterCommit(() => seen.push(db.inTransaction));
      });

      // Assess
      expect(seen).toEqual([false]);
    });
  });

  describe('Method: close', () => {
    it('commits queued writes, then refuses new ones with UnavailableError', async () => {
      // Prepare
      const db = openDatabase();
      const writer = new GroupCommitWriter(db);
      const queued = writer.submit(insert(db, 'queued'));

      // Act
      writer.close();

      // Assess
      await expect(queued).resolves.toBe(1);
      await expect(writer.submit(insert(db, 'late'))).rejects.toBeInstanceOf(UnavailableError);
      expect(values(db)).toEqual(['queued']);
    });
  });
});
