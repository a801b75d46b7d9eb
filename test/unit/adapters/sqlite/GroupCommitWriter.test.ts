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
      expect(writer.stats).toEqual({ batches: 1, jobs: 4, syncs: 0 });
      expect(values(db)).toEqual(['a', 'b', 'c', 'd']);
    });

    it('resolves each job with its own result', async () => {
      // Prepare
      const writer = new GroupCommitWriter(openDatabase());

      // Act
      const results = await Promise.all([writer.submit(() => 1), writer.submit(() => 'two')]);

      // Assess
      expect(results).toEqual([1, 'two']);
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

    it('retries the rest of the batch when one job makes SQLite roll back the whole transaction', async () => {
      // Prepare: a database that is nearly full, so one large write fails with SQLITE_FULL
      const db = openDatabase();
      db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true })) + 2}`);
      const writer = new GroupCommitWriter(db);

      // Act
      const results = await Promise.allSettled([
        writer.submit(insert(db, 'before')),
        writer.submit(insert(db, 'x'.repeat(1_000_000))),
        writer.submit(insert(db, 'after')),
      ]);

      // Assess
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(UnavailableError);
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

  describe('Method: onRollback (of the write context)', () => {
    it('runs the callbacks of a job whose savepoint rolls back, and no other job\'s', async () => {
      // Prepare
      const db = openDatabase();
      const writer = new GroupCommitWriter(db);
      const undone: string[] = [];

      // Act
      await Promise.allSettled([
        writer.submit((context) => {
          context.onRollback(() => undone.push('kept'));
          insert(db, 'kept')();
        }),
        writer.submit((context) => {
          context.onRollback(() => undone.push('failed'));
          insert(db, 'failed')();
          throw new Error('job failed');
        }),
      ]);

      // Assess
      expect(undone).toEqual(['failed']);
      expect(values(db)).toEqual(['kept']);
    });

    it('runs the callbacks of every job done so far, newest first, when the whole transaction rolls back', async () => {
      // Prepare: a database that is nearly full, so one large write fails with SQLITE_FULL
      const db = openDatabase();
      db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true })) + 2}`);
      const writer = new GroupCommitWriter(db);
      const undone: string[] = [];
      const job = (value: string) => (context: Parameters<Parameters<GroupCommitWriter['submit']>[0]>[0]) => {
        context.onRollback(() => undone.push(value));
        insert(db, value)();
      };

      // Act
      await Promise.allSettled([writer.submit(job('first')), writer.submit(job('second')), writer.submit(job('x'.repeat(1_000_000))), writer.submit(job('after'))]);

      // Assess: the large job undid itself, then the batch's jobs were undone newest first (a later job may build on an earlier one); the retry stored them
      expect(undone.map((value) => value.slice(0, 6))).toEqual(['xxxxxx', 'second', 'first']);
      expect(values(db)).toEqual(['first', 'second', 'after']);
    });
  });

  describe('Method: enlist (of the write context)', () => {
    it('runs enlisted work after the enlisting job, in the same transaction, and settles it with the batch', async () => {
      // Prepare
      const db = openDatabase();
      const writer = new GroupCommitWriter(db);
      let enlisted: Promise<number> | undefined;

      // Act
      await writer.submit((context) => {
        insert(db, 'published')();
        enlisted = context.enlist(() => (db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n);
      });

      // Assess
      await expect(enlisted).resolves.toBe(1);
      expect(writer.stats).toEqual({ batches: 1, jobs: 2, syncs: 0 });
    });

    it('keeps enlisted work when the enlisting job rolls back, and fails only a failing enlisted job', async () => {
      // Prepare
      const db = openDatabase();
      const writer = new GroupCommitWriter(db);
      const enlisted: Array<Promise<unknown>> = [];

      // Act
      const enlisting = writer.submit((context) => {
        insert(db, 'rolled back')();
        enlisted.push(context.enlist(insert(db, 'kept')));
        enlisted.push(
          context.enlist(() => {
            throw new Error('enlisted job failed');
          }),
        );
        throw new Error('enlisting job failed');
      });

      // Assess
      await expect(enlisting).rejects.toThrow();
      const settled = await Promise.allSettled(enlisted);
      expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
      expect(values(db)).toEqual(['kept']);
    });
  });

  describe('Method: close', () => {
    it('commits queued writes, then refuses new ones with UnavailableError', async () => {
      // Prepare
      const db = openDatabase();
      const writer = new GroupCommitWriter(db);
      const queued = writer.submit(insert(db, 'queued'));

      // Act
      await writer.close();

      // Assess
      await expect(queued).resolves.toBe(1);
      await expect(writer.submit(insert(db, 'late'))).rejects.toBeInstanceOf(UnavailableError);
      expect(values(db)).toEqual(['queued']);
    });
  });

  describe('Method: submit, with a sync function', () => {
    it('answers a write only after a sync that started after its commit', async () => {
      // Prepare
      const db = openDatabase();
      let release: () => void = () => undefined;
      const writer = new GroupCommitWriter(db, { sync: () => new Promise<void>((resolve) => (release = resolve)) });
      let answered = false;

      // Act
      const write = writer.submit(insert(db, 'a')).then(() => (answered = true));
      await new Promise((resolve) => setImmediate(resolve));

      // Assess
      expect(values(db)).toEqual(['a']);
      expect(answered).toBe(false);
      release();
      await write;
      expect(answered).toBe(true);
    });

    it('covers every batch committed during a running sync with one more sync', async () => {
      // Prepare
      const db = openDatabase();
      const releases: Array<() => void> = [];
      const writer = new GroupCommitWriter(db, { sync: () => new Promise<void>((resolve) => releases.push(resolve)) });
      const first = writer.submit(insert(db, 'a'));
      await new Promise((resolve) => setImmediate(resolve));

      // Act
      const later = [writer.submit(insert(db, 'b'))];
      await new Promise((resolve) => setImmediate(resolve));
      later.push(writer.submit(insert(db, 'c')));
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
      await first;
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
      await Promise.all(later);

      // Assess
      expect(writer.stats).toEqual({ batches: 3, jobs: 3, syncs: 2 });
    });

    it('rejects the writes a failed sync should have covered', async () => {
      // Prepare
      const db = openDatabase();
      const writer = new GroupCommitWriter(db, { sync: () => Promise.reject(new Error('EIO')) });

      // Act
      const write = writer.submit(insert(db, 'a'));

      // Assess
      await expect(write).rejects.toThrow(/could not be made durable/);
    });
  });
});
