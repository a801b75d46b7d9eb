import { ConveyorError, StorageError, UnavailableError } from '../../domain/errors.js';

/** SQLite result codes that mean "not now" rather than "never": the client may retry. */
const TRANSIENT = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|NOMEM|READONLY|CANTOPEN|PROTOCOL)/;

/** An error raised by SQLite itself, with its result code. */
export function isSqliteError(error: unknown): error is Error & { code: string } {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/**
 * Conveyor's error for anything a job or a read threw: its own errors pass
 * through; SQLite's become Unavailable (retry later) or Storage (a bug), with the cause kept.
 */
export function translateSqliteError(error: unknown): ConveyorError {
  if (error instanceof ConveyorError) return error;
  if (isSqliteError(error) && TRANSIENT.test(error.code)) {
    return new UnavailableError(`the embedded store cannot take this write right now (${error.code}); retry later`, { cause: error });
  }
  return new StorageError('the embedded store failed', { cause: error });
}
