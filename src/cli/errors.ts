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

