import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { StorageError } from '../../domain/errors.js';
import { GroupCommitWriter } from './GroupCommitWriter.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';

export const Synchronous = { Full: 'FULL', Normal: 'NORMAL' } as const;
export type Synchronous = (typeof Synchronous)[keyof typeof Synchronous];

export interface SqliteStoreOptions {
  /** Folder of the database file; `:memory:` keeps everything in memory (tests only). */
  readonly dataDir: string;
  /** FULL fsyncs every commit (a 200 survives power loss); NORMAL survives a process crash only. @default 'FULL' */
  readonly synchronous?: Synchronous;
}

/**
 * The embedded store: one SQLite database in WAL mode, one connection, and the
 * group-commit writer every adapter writes through. Reads run directly on the
 * connection; they never see a half-applied batch because batches run synchronously.
 */
export class SqliteStore {
  public readonly db: Database;
  public readonly writer: GroupCommitWriter;
  private readonly statements = new Map<string, Statement>();

  private constructor(db: Database) {
    this.db = db;
    this.writer = new GroupCommitWriter(db);
  }

  public static open(options: SqliteStoreOptions): SqliteStore {
    let db: Database;
    try {
      if (options.dataDir === ':memory:') db = new BetterSqlite3(':memory:');
      else {
        mkdirSync(options.dataDir, { recursive: true });
        db = new BetterSqlite3(join(options.dataDir, 'conveyor.db'));
      }
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? Synchronous.Full}`);
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.pragma('cache_size = -65536');
      db.pragma('temp_store = MEMORY');
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    } catch (error) {
      throw new StorageError(`cannot open the embedded store in ${JSON.stringify(options.dataDir)}: ${(error as Error).message}`, { cause: error });
    }
    return new SqliteStore(db);
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
      throw new StorageError('the embedded store could not be read', { cause: error });
    }
  }

  public topicId(name: string): number | null {
    const row = this.statement('SELECT id FROM topics WHERE name = ?').get(name) as { id: number } | undefined;
    return row?.id ?? null;
  }

  public close(): void {
    this.writer.close();
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
