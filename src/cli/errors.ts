import { ConveyorError, ErrorCode, type ConveyorErrorOptions } from '../domain/errors.js';

/** A command cannot go on (its handler module, a missing subscription): the message says why; the process exits with `exitCode`. */
export class CommandError extends ConveyorError {
  public constructor(
    message: string,
    public readonly exitCode = 1,
    options?: ConveyorErrorOptions,
  ) {
    super(ErrorCode.InvalidRequest, message, options);
  }
}

/**
 * Conveyor's API answered an error (`{"error":{"code","message"}}`), or could
 * not be reached (`status` 0, code Unavailable). `retryable` says whether the
 * same request may succeed later.
 */
export class ApiError extends ConveyorError {
  public constructor(
    public readonly status: number,
    code: ErrorCode,
    message: string,
    options?: ConveyorErrorOptions,
  ) {
    super(code, message, options);
  }

  public get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
