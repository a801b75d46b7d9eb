/**
 * Conveyor's own error types. Adapters translate every SDK or storage error
 * into one of these; only the HTTP edge turns a `code` into a status.
 */
export const ErrorCode = {
  InvalidRequest: 'InvalidRequest',
  InvalidName: 'InvalidName',
  InvalidFilter: 'InvalidFilter',
  Unauthorized: 'Unauthorized',
  NotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  TopicNotFound: 'TopicNotFound',
  SubscriptionNotFound: 'SubscriptionNotFound',
  ScheduleNotFound: 'ScheduleNotFound',
  Conflict: 'Conflict',
  PayloadTooLarge: 'PayloadTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  Unavailable: 'Unavailable',
  Internal: 'Internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ConveyorErrorOptions {
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Base of every error Conveyor raises on purpose. `code` is stable and public. */
export class ConveyorError extends Error {
  public readonly code: ErrorCode;
  public readonly details?: Readonly<Record<string, unknown>>;

  public constructor(code: ErrorCode, message: string, options: ConveyorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

export class InvalidRequestError extends ConveyorError {
  public constructor(message: string, options?: ConveyorErrorOptions) {
    super(ErrorCode.InvalidRequest, message, options);
  }
}

export class InvalidNameError extends ConveyorError {
  public constructor(kind: string, value: unknown) {
    super(
      ErrorCode.InvalidName,
      `${kind} name must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$, but ${JSON.stringify(value)} was provided`,
    );
  }
}

export class InvalidFilterError extends ConveyorError {
  public constructor(message: string, options?: ConveyorErrorOptions) {
    super(ErrorCode.InvalidFilter, message, options);
  }
}

export class TopicNotFoundError extends ConveyorError {
  public constructor(topic: string) {
    super(ErrorCode.TopicNotFound, `topic ${JSON.stringify(topic)} does not exist`);
  }
}

export class SubscriptionNotFoundError extends ConveyorError {
  public constructor(topic: string, subscription: string) {
    super(
      ErrorCode.SubscriptionNotFound,
      `subscription ${JSON.stringify(subscription)} does not exist on topic ${JSON.stringify(topic)}`,
    );
  }
}

export class ScheduleNotFoundError extends ConveyorError {
  public constructor(name: string) {
    super(ErrorCode.ScheduleNotFound, `schedule ${JSON.stringify(name)} does not exist`);
  }
}

export class ConflictError extends ConveyorError {
  public constructor(message: string, options?: ConveyorErrorOptions) {
    super(ErrorCode.Conflict, message, options);
  }
}

export class UnauthorizedError extends ConveyorError {
  public constructor(message: string) {
    super(ErrorCode.Unauthorized, message);
  }
}

export class PayloadTooLargeError extends ConveyorError {
  public constructor(what: string, limitBytes: number, receivedBytes: number) {
    super(ErrorCode.PayloadTooLarge, `${what} must be at most ${limitBytes} bytes, but ${receivedBytes} were provided`);
  }
}

export class UnsupportedMediaTypeError extends ConveyorError {
  public constructor(contentType: string | undefined) {
    super(
      ErrorCode.UnsupportedMediaType,
      `request bodies must be JSON with content-type application/json, but ${contentType === undefined ? 'no content-type' : JSON.stringify(contentType)} was provided`,
    );
  }
}

/** The store cannot serve right now (closed, shutting down, disk full); safe to retry. */
export class UnavailableError extends ConveyorError {
  public constructor(message: string, options?: ConveyorErrorOptions) {
    super(ErrorCode.Unavailable, message, options);
  }
}

/** A storage failure that is not the caller's fault. */
export class StorageError extends ConveyorError {
  public constructor(message: string, options?: ConveyorErrorOptions) {
    super(ErrorCode.Internal, message, options);
  }
}
