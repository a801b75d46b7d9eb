import type { Database } from 'better-sqlite3';
import { StorageError, UnavailableError } from '../../domain/errors.js';
import { translateSqliteError } from './sqliteErrors.js';

/** What a write job may do besides touching the database. */
export interface WriteContext {
  /** Runs once the batch is committed and durable. */
  afterCommit(callback: () => void): void;
  /**
   * Runs `work` later in this same transaction, in a savepoint of its own, and
   * settles like a submitted job once the batch is durable. A write that makes
   * messages ready enlists the leases of waiting pulls this way, so they are
   * answered by the commit that made their messages ready instead of a second one.
   * Enlisted work runs even if the enlisting job rolls back.
   */
  enlist<T>(work: (context: WriteContext) => T): Promise<T>;
  /** Runs if this job's writes are rolled back (its savepoint, or the whole batch), newest first: undoes what it did outside the database. */
  onRollback(callback: () => void): void;
}

type Job = {
  readonly work: (context: WriteContext) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
};

/** Thrown out of a batch when a job's failure took the whole transaction with it. */
class BatchAborted extends Error {
  public constructor(
    public readonly index: number,
    public readonly failure: unknown,
  ) {
    super('the transaction was rolled back');
  }
}

type Settlement = { readonly job: Job; readonly ok: true; readonly value: unknown; readonly hooks: Array<() => void> } | { readonly job: Job; readonly ok: false; readonly error: unknown };

export interface GroupCommitOptions {
  /**
   * Makes everything committed so far durable (an fdatasync of the WAL). When set,
   * commits do not fsync themselves: answers wait for one sync that covers their
   * batch, run off the event loop, shared by every batch committed meanwhile.
   */
  readonly sync?: () => Promise<void>;
  /** Most jobs in one transaction. @default 2000 */
  readonly maxBatch?: number;
  /** Runs after each committed batch, outside any transaction (e.g. housekeeping such as a checkpoint). */
  readonly betweenBatches?: () => void;
}

/**
 * Group commit. Writes submitted while the event loop is busy are queued, then run
 * together in one SQLite transaction, and answered only once durable: one fsync per
 * batch, not per request. Each job runs in its own savepoint, so one failing job
 * rolls back alone and the rest of the batch still commits.
 *
 * Timeline under load (with `sync`, the fsync runs beside the next batch):
 *   tick n:   requests A, B, C parsed → jobs queued
 *   tick n+1: BEGIN; A; B; C; COMMIT → fdatasync(WAL) starts in the thread pool
 *             D, E arrive: BEGIN; D; E; COMMIT → wait for the running sync
 *   sync done: A, B, C answered → one fdatasync covers D, E → D, E answered
 */
export class GroupCommitWriter {
  /** Commits and syncs made, and jobs carried: for tests and metrics. */
  public readonly stats = { batches: 0, jobs: 0, syncs: 0 };
  private queue: Job[] = [];
  private flushScheduled = false;
  private closed = false;
  private awaitingSync: Settlement[] = [];
  private syncing: Promise<void> | undefined;
  private readonly runBatch: (jobs: Job[]) => Settlement[];
  private readonly maxBatch: number;
  /** The rollback callbacks of the running batch's jobs that have succeeded so far. */
  private batchUndo: Array<() => void> = [];

  public constructor(
    db: Database,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2000;
    // better-sqlite3 turns a nested transaction into a savepoint.
    const runJob = db.transaction((job: Job, context: WriteContext) => job.work(context));
    // `jobs` grows while it runs: enlisted work joins the end of the batch.
    this.runBatch = db.transaction((jobs: Job[]) => {
      const settlements: Settlement[] = [];
      const enlist = <T>(work: (context: WriteContext) => T): Promise<T> =>
        new Promise<T>((resolve, reject) => jobs.push({ work, resolve: resolve as (value: unknown) => void, reject }));
      for (let index = 0; index < jobs.length; index += 1) {
        const job = jobs[index]!;
        const hooks: Array<() => void> = [];
        const undo: Array<() => void> = [];
        try {
          const context: WriteContext = { afterCommit: (callback) => hooks.push(callback), enlist, onRollback: (callback) => undo.push(callback) };
          settlements.push({ job, ok: true, value: runJob(job, context), hooks });
          this.batchUndo.push(...undo);
        } catch (error) {
          for (const callback of undo.reverse()) callback();
          // Disk full, I/O errors and the like roll back the whole transaction, not just the savepoint:
          // the jobs after this one would run outside any transaction, so stop here.
          if (!db.inTransaction) throw new BatchAborted(index, error);
          settlements.push({ job, ok: false, error: translateSqliteError(error) });
        }
      }
      return settlements;
    });
  }

  /** Queues a synchronous unit of work; resolves with its result once it is committed and durable. */
  public submit<T>(work: (context: WriteContext) => T): Promise<T> {
    if (this.closed) return Promise.reject(new UnavailableError('the store is closing and takes no more writes'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits whatever is queued, waits until it is durable, then refuses new writes. */
  public async close(): Promise<void> {
    this.flush();
    this.closed = true;
    while (this.syncing !== undefined) await this.syncing;
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, this.maxBatch);
      let settlements: Settlement[];
      this.batchUndo = [];
      try {
        settlements = this.runBatch(jobs);
      } catch (error) {
        // Newest first: a later job may have built on what an earlier one did (a lease taken again after an expiry).
        for (const callback of this.batchUndo.reverse()) callback();
        if (error instanceof BatchAborted) {
          // Nothing of this batch was kept: the job that broke it fails, the others go again.
          // Only resource failures (disk full, I/O, memory) end a transaction this way: worth a retry later.
          const cause = translateSqliteError(error.failure);
          jobs[error.index]?.reject(
            cause instanceof UnavailableError ? cause : new UnavailableError('the embedded store rolled this write back; retry later', { cause: error.failure }),
          );
          this.queue.unshift(...jobs.filter((_, index) => index !== error.index));
        } else {
          const failure = translateSqliteError(error);
          for (const job of jobs) job.reject(failure);
        }
        continue;
      }
      this.batchUndo = [];
      this.stats.batches += 1;
      this.stats.jobs += jobs.length;
      this.options.betweenBatches?.();
      if (this.options.sync === undefined) settle(settlements);
      else {
        this.awaitingSync.push(...settlements);
        this.syncing ??= this.syncLoop(this.options.sync);
      }
    }
  }

  /** One sync at a time; each covers every batch committed before it started. */
  private async syncLoop(sync: () => Promise<void>): Promise<void> {
    while (this.awaitingSync.length > 0) {
      const covered = this.awaitingSync;
      this.awaitingSync = [];
      try {
        await sync();
        this.stats.syncs += 1;
        settle(covered);
      } catch (error) {
        const failure = new StorageError('the write was committed but could not be made durable', { cause: error });
        for (const settlement of covered) settlement.job.reject(failure);
      }
    }
    this.syncing = undefined;
  }
}

function settle(settlements: readonly Settlement[]): void {
  for (const settlement of settlements) {
    if (!settlement.ok) {
      settlement.job.reject(settlement.error);
      continue;
    }
    for (const hook of settlement.hooks) hook();
    settlement.job.resolve(settlement.value);
  }
}
