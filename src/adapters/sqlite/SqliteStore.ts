import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { StorageError, TopicNotFoundError } from '../../domain/errors.js';
import { Catalog } from './Catalog.js';
import { GroupCommitWriter } from './GroupCommitWriter.js';
import { translateSqliteError } from './sqliteErrors.js';
import { WalCheckpointer } from './WalCheckpointer.js';
import { WalSync } from './WalSync.js';
import { MIGRATIONS, SCHEMA, SCHEMA_VERSION } from './schema.js';

/**
 * How commits reach the disk. FULL and GROUP both answer a write only after it is
 * fsynced, so a 200 survives power loss; NORMAL survives a process crash only.
 * - FULL: SQLite's synchronous=FULL, the fsync inside each group commit.
 * - GROUP: commits skip the fsync; one fdatasync of the WAL covers every batch
 *   committed while the previous one ran. It runs off the event loop on a disk
 *   slower to sync than a thread hand-off costs, on it otherwise (WalSync).
 * - NORMAL: no fsync before answering.
 */
export const Synchronous = { Full: 'FULL', Group: 'GROUP', Normal: 'NORMAL' } as const;
export type Synchronous = (typeof Synchronous)[keyof typeof Synchronous];

export interface SqliteStoreOptions {
  /** Folder of the database file; `:memory:` keeps everything in memory (tests only). */
  readonly dataDir: string;
  /** See Synchronous. @default 'FULL' */
  readonly synchronous?: Synchronous;
  /** Told when a WAL checkpoint fails: a background one (the next one tries again), or a step of `close`. */
  readonly onCheckpointError?: (message: string) => void;
}

/**
 * The embedded store: one SQLite database in WAL mode, one connection, and the
 * group-commit writer every adapter writes through. Reads run directly on the
 * connection; they never see a half-applied batch because batches run synchronously.
 */
export class SqliteStore {
  public readonly db: Database;
  public readonly writer: GroupCommitWriter;
  /** Topic and subscription rows by name; writes to those tables tell it (Catalog.changed). */
  public readonly catalog = new Catalog((sql) => this.statement(sql));
  private readonly statements = new Map<string, Statement>();

  private constructor(
    db: Database,
    private readonly wal: WalSync | undefined,
    private readonly checkpointer: WalCheckpointer | undefined,
    private readonly onCloseError: (message: string) => void,
  ) {
    this.db = db;
    this.writer = new GroupCommitWriter(db, {
      ...(wal === undefined ? {} : { sync: () => wal.sync() }),
      betweenBatches: () => this.catchUpCheckpoint(),
    });
  }

  public static open(options: SqliteStoreOptions): SqliteStore {
    let db: Database;
    const mode = options.synchronous ?? Synchronous.Full;
    const inMemory = options.dataDir === ':memory:';
    const path = inMemory ? ':memory:' : join(options.dataDir, 'conveyor.db');
    try {
      if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
      db = new BetterSqlite3(path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${mode === Synchronous.Full ? 'FULL' : 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      // 8 MB of page cache: an in-process 200k-message drain peaked at 145 MB RSS with 16 MB and 199 MB with 64 MB,
      // at the same speed; the hot pages are the log's tail and the queues' indexes.
      db.pragma('cache_size = -8192');
      db.pragma('temp_store = MEMORY');
      SqliteStore.migrate(db);
      // Checkpoints run in a worker (WalCheckpointer); the commit that crosses 8192 pages (32 MB) still
      // checkpoints on the event loop, only if the worker falls that far behind.
      if (!inMemory) db.pragma('wal_autocheckpoint = 8192');
    } catch (error) {
      throw new StorageError(`cannot open the embedded store in ${JSON.stringify(options.dataDir)}: ${(error as Error).message}`, { cause: error });
    }
    const checkpointer = inMemory ? undefined : WalCheckpointer.start({ path, synchronous: mode === Synchronous.Full ? 'FULL' : 'NORMAL' }, options.onCheckpointError);
    return new SqliteStore(db, mode === Synchronous.Group && !inMemory ? new WalSync(`${path}-wal`) : undefined, checkpointer, options.onCheckpointError ?? (() => undefined));
  }

  /**
   * Creates the schema in a new database, or brings one written by an earlier
   * version up to date (MIGRATIONS), in one transaction. A database written by a
   * later version is refused rather than misread.
   */
  private static migrate(db: Database): void {
    const found = db.pragma('user_version', { simple: true }) as number;
    if (found > SCHEMA_VERSION) throw new Error(`the database has schema version ${found}, newer than this version of Conveyor knows (${SCHEMA_VERSION})`);
    db.transaction(() => {
      const existing = found > 0;
      db.exec(SCHEMA);
      if (existing) for (const step of MIGRATIONS) if (step.version > found) db.exec(step.sql);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  /** A prepared statement, compiled once per SQL text. */
  public statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs a read, turning SQLite's failures into Conveyor's. */
  public read<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw translateSqliteError(error);
    }
  }

  /** The topic's row id; TopicNotFoundError when it does not exist (or was deleted meanwhile). */
  public topicId(name: string): number {
    const row = this.catalog.topic(name);
    if (row === undefined) throw new TopicNotFoundError(name);
    return row.id;
  }

  /**
   * Finishes queued writes and their syncs, checkpoints, and closes the database.
   * Never throws: each step runs whatever the one before it did, and a failure is
   * told to `onCheckpointError`. A failed step loses nothing that was committed: on
   * a full disk the checkpoint cannot grow the database file, so the WAL keeps
   * every committed write, and SQLite replays it on the next open.
   */
  public async close(): Promise<void> {
    await this.closeStep('finishing queued writes', () => this.writer.close());
    await this.closeStep('stopping the checkpoint worker', () => this.checkpointer?.stop());
    await this.closeStep('closing the WAL file handle', () => this.wal?.close());
    if (!this.db.open) return;
    await this.closeStep('the final checkpoint', () => this.db.pragma('wal_checkpoint(TRUNCATE)'));
    // sqlite3_close checkpoints once more and keeps the WAL when that fails too.
    await this.closeStep('closing the database', () => this.db.close());
  }

  /** Finishes what the checkpoint worker could not, when it asks: see WalCheckpointer. */
  private catchUpCheckpoint(): void {
    if (this.checkpointer?.catchUpRequested !== true) return;
    this.checkpointer.catchUpRequested = false;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A failed checkpoint loses nothing; the worker asks again while the WAL stays long.
    }
  }

  private async closeStep(step: string, run: () => unknown): Promise<void> {
    try {
      await run();
    } catch (error) {
      const cause = error instanceof Error ? `${String((error as Error & { code?: unknown }).code ?? error.name)}: ${error.message}` : String(error);
      this.onCloseError(`closing the store: ${step} failed (${cause}); every committed write stays in the WAL, which the next open replays`);
    }
  }
}
