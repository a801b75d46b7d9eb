/**
 * Conveyor's own error types. Adapters translate every SDK or storage error
 * into one of these; only the HTTP edge turns a `code` into a status.
 */
export const ErrorCode = {
  InvalidRequest: 'InvalidRequest',
  InvalidName: 'InvalidName',
  InvalidFilter: 'InvalidFilter',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  RequestTimeout: 'RequestTimeout',
  HeadersTooLarge: 'HeadersTooLarge',
  TopicNotFound: 'TopicNotFound',
  SubscriptionNotFound: 'SubscriptionNotFound',
  ScheduleNotFound: 'ScheduleNotFound',
  DelayedMessageNotFound: 'DelayedMessageNotFound',
  Conflict: 'Conflict',
  PayloadTooLarge: 'PayloadTooLarge',
  RateLimited: 'RateLimited',
  UnsupportedMediaType: 'UnsupportedMediaType',
  Unavailable: 'Unavailable',
  QuotaExceeded: 'QuotaExceeded',
  Internal: 'Internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ConveyorErrorOptions {
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * A received value rendered for an error message: at most `max` characters,
 * built without recursion, so no input (however deep or large) can make an
 * error message fail or grow.
 *
 * @example
 * preview([[[[1]]]], 6); // '[[[...'
 */
export function preview(value: unknown, max = 80): string {
  const out: string[] = [];
  let length = 0;
  const emit = (text: string): boolean => {
    out.push(text);
    length += text.length;
    return length <= max;
  };
  // Work items: a value to render, or literal text (closing brackets, separators).
  const pending: Array<{ value: unknown } | { text: string }> = [{ value }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if ('text' in item) {
      if (!emit(item.text)) break;
      continue;
    }
    const node = item.value;
    if (Array.isArray(node)) {
      if (!emit('[')) break;
      pending.push({ text: ']' });
      for (let index = Math.min(node.length, max) - 1; index >= 0; index -= 1) {
        pending.push({ value: node[index] });
        if (index > 0) pending.push({ text: ',' });
      }
    } else if (node !== null && typeof node === 'object') {
      if (!emit('{')) break;
      pending.push({ text: '}' });
      const keys = Object.keys(node).slice(0, max);
      for (let index = keys.length - 1; index >= 0; index -= 1) {
        pending.push({ value: (node as Record<string, unknown>)[keys[index]!] });
        pending.push({ text: `${JSON.stringify(keys[index]!.slice(0, max))}:` });
        if (index > 0) pending.push({ text: ',' });
      }
    } else if (typeof node === 'string') {
      if (!emit(JSON.stringify(node.slice(0, max + 1)))) break;
    } else if (!emit(node === undefined ? 'undefined' : typeof node === 'bigint' ? `${node}n` : String(node))) break;
  }
  const text = out.join('');
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
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
    super(ErrorCode.InvalidName, `${kind} name must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$, but ${preview(value)} was provided`);
  }
}

/** A request path that names no resource safely: dot or empty segments, a leading `//`, control characters. */
export class InvalidPathError extends ConveyorError {
  public constructor(path: string, problem: string) {
    super(ErrorCode.InvalidName, `the request path ${preview(path)} ${problem}; paths are routed exactly as sent`);
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

/** No message of that id waits on the topic: never published, released into the log already, or cancelled. */
export class DelayedMessageNotFoundError extends ConveyorError {
  public constructor(topic: string, id: string) {
    super(
      ErrorCode.DelayedMessageNotFound,
      `no delayed message ${preview(id, 140)} waits on topic ${JSON.stringify(topic)}: it is unknown, was released into the log already, or was cancelled`,
    );
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

/** The caller is known but its grants do not cover the request. */
export class ForbiddenError extends ConveyorError {
  public constructor(message: string) {
    super(ErrorCode.Forbidden, message);
  }
}

/** Over a rate or concurrency limit; nothing was done. `retryAfterSeconds` becomes the Retry-After header. */
export class RateLimitedError extends ConveyorError {
  public constructor(
    message: string,
    public readonly retryAfterSeconds: number,
  ) {
    super(ErrorCode.RateLimited, message);
  }
}

/** The path names a resource, but not for this method. `allowed` becomes the Allow header. */
export class MethodNotAllowedError extends ConveyorError {
  public constructor(
    path: string,
    public readonly allowed: readonly string[],
  ) {
    super(ErrorCode.MethodNotAllowed, `this method is not allowed on ${preview(path)}; allowed: ${allowed.join(', ')}`);
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

/** The server's own settings are wrong (environment, token file): it refuses to start and says why. */
export class ConfigurationError extends ConveyorError {
  public constructor(message: string) {
    super(ErrorCode.InvalidRequest, message);
  }
}

/** The store cannot serve right now (closed, shutting down, disk full); safe to retry. */
export class UnavailableError extends ConveyorError {
  public constructor(message: string, options?: ConveyorErrorOptions) {
    super(ErrorCode.Unavailable, message, options);
  }
}

/**
 * A cloud service quota is used up (EventBridge rules per event bus, Scheduler
 * schedules, SQS in-flight messages…). Not retryable as it stands: the quota
 * must be raised, or resources removed. `quota` names it.
 */
export class QuotaExceededError extends ConveyorError {
  public constructor(
    public readonly quota: string,
    message: string,
    options?: ConveyorErrorOptions,
  ) {
    super(ErrorCode.QuotaExceeded, message, { ...options, details: { quota, ...options?.details } });
  }
}

/** A storage failure that is not the caller's fault. */
export class StorageError extends ConveyorError {
  public constructor(message: string, options?: ConveyorErrorOptions) {
    super(ErrorCode.Internal, message, options);
  }
}
