import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface WalCheckpointerOptions {
  /** The database file. */
  readonly path: string;
  /** The store's synchronous setting: FULL or NORMAL (both fsync the database file after a checkpoint). */
  readonly synchronous: 'FULL' | 'NORMAL';
  /**
   * How often the worker copies the WAL into the database, in ms. Small and often
   * beats large and rare: each checkpoint ends with an fsync of the database file,
   * and commits' own fsyncs queue behind it. At 4k msg/s, commits stalled over
   * 20 ms added up to 981 ms per 18 s at 200 ms, 293 ms at 50 ms and 251 ms at 20 ms
   * (402 ms with SQLite's automatic checkpoint). @default 25
   */
  readonly intervalMs?: number;
  /** WAL frames (pages) above which the writer is asked to finish a checkpoint itself. @default 2048 */
  readonly catchUpFrames?: number;
}

/**
 * The worker's code, kept as a string so the same file serves the compiled build
 * and the TypeScript sources under test. It opens its own connection and runs a
 * PASSIVE checkpoint every few milliseconds: it copies what the WAL holds into the database
 * without ever blocking the writer, which then reuses the WAL from its start.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('cache_size = -1024');
const timer = setInterval(() => {
  try {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    if (log > workerData.catchUpFrames) parentPort.postMessage({ catchUp: true });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints the WAL from a worker thread. SQLite's own automatic checkpoint
 * runs inside whichever commit crosses 1000 pages, on the event loop: it copies
 * megabytes and fsyncs the database file there, stalling every request for
 * 5–10 ms on an idle disk and far longer on a busy one. The store sets the
 * automatic checkpoint far higher, as a backstop, and lets this worker do the work.
 *
 * Under steady writes the worker never quite catches up (new frames land while
 * it copies), and the writer only starts the WAL over after a checkpoint that
 * reached its end. So when the WAL passes `catchUpFrames`, `catchUpRequested`
 * turns true and the writer runs one checkpoint between batches: the worker
 * already copied nearly everything, so it copies only the last few frames.
 *
 * @example
 * const checkpointer = WalCheckpointer.start({ path: 'data/conveyor.db', synchronous: 'FULL' });
 * await checkpointer.stop();
 */
export class WalCheckpointer {
  /** The WAL is long: the writer should finish a checkpoint between two batches (then set this back). */
  public catchUpRequested = false;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  }

  public static start(options: WalCheckpointerOptions, onError: (message: string) => void = () => undefined): WalCheckpointer {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // It runs one pragma on a timer: a small heap is plenty, and the broker's memory stays low.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
      workerData: { driver, path: options.path, synchronous: options.synchronous, intervalMs: options.intervalMs ?? 25, catchUpFrames: options.catchUpFrames ?? 2048 },
    });
    const checkpointer = new WalCheckpointer(worker);
    worker.on('message', (message: { error?: string; catchUp?: boolean }) => {
      if (message.catchUp === true) checkpointer.catchUpRequested = true;
      if (message.error !== undefined) onError(message.error);
    });
    worker.on('error', (error: unknown) => onError(errorText(error)));
    // A checkpointer never keeps the process alive on its own.
    worker.unref();
    return checkpointer;
  }

  /** Stops the timer and closes the worker's connection. */
  public async stop(): Promise<void> {
    // Referenced again, so the process waits for the worker to close its connection.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}

/** A worker's error as text: SQLite's error class does not survive the trip between threads. */
function errorText(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { message, code } = error as { message?: unknown; code?: unknown };
  return [code, message].filter((part) => typeof part === 'string' && part !== '').join(': ') || JSON.stringify(error);
}
