import type { Database } from 'better-sqlite3';
import { ConveyorError, StorageError, UnavailableError } from '../../domain/errors.js';

/** What a write job may do besides touching the database. */
export interface WriteContext {
  /** Runs after the batch has committed (and so is durable), e.g. to wake long-polls. */
  afterCommit(callback: () => void): void;
}

type Job = {
  readonly work: (context: WriteContext) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
};

/**
 * Group commit. Writes submitted while the event loop is busy are queued, then run
 * together in one SQLite transaction with one fsync (WAL, synchronous=FULL), and
 * only then answered. Each job runs in its own savepoint, so one failing job rolls
 * back alone and the rest of the batch still commits.
 *
 * Timeline under load:
 *   tick n:   requests A, B, C parsed → jobs queued
 *   tick n+1: BEGIN; A; B; C; COMMIT (one fsync) → A, B, C answered
 *             meanwhile D, E arrive and queue for the next batch
 */
export class GroupCommitWriter {
  /** Commits made and jobs carried, for tests and metrics. */
  public readonly stats = { batches: 0, jobs: 0 };
  private queue: Job[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly runBatch: (jobs: Job[]) => Array<() => void>;

  public constructor(
    private readonly db: Database,
    private readonly maxBatch = 2000,
  ) {
    // better-sqlite3 turns a nested transaction into a savepoint.
    const runJob = db.transaction((job: Job, context: WriteContext) => job.work(context));
    this.runBatch = db.transaction((jobs: Job[]) => {
      const callbacks: Array<() => void> = [];
      for (const job of jobs) {
        const own: Array<() => void> = [];
        try {
          const result = runJob(job, { afterCommit: (callback) => own.push(callback) });
          callbacks.push(...own, () => job.resolve(result));
        } catch (error) {
          callbacks.push(() => job.reject(error));
        }
      }
      return callbacks;
    });
  }

  /** Queues a synchronous unit of work; resolves with its result once it is durable. */
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

  /** Commits whatever is queued, then refuses new writes. */
  public close(): void {
    this.flush();
    this.closed = true;
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, this.maxBatch);
      let callbacks: Array<() => void>;
      try {
        callbacks = this.runBatch(jobs);
      } catch (error) {
        const failure = error instanceof ConveyorError ? error : new StorageError('the write could not be committed', { cause: error });
        for (const job of jobs) job.reject(failure);
        continue;
      }
      this.stats.batches += 1;
      this.stats.jobs += jobs.length;
      for (const callback of callbacks) callback();
    }
  }
}
