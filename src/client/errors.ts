import type { components } from './generated/openapi.js';

/** A code of the API's error body (docs/openapi.yaml, ErrorCode). */
export type ApiErrorCode = components['schemas']['ErrorCode'];

/** What a ConveyorError's `code` can be: the API's codes, and `NetworkError` when no answer came. */
export type ConveyorErrorCode = ApiErrorCode | 'NetworkError';

export interface ConveyorErrorInit {
  readonly status: number;
  readonly code: ConveyorErrorCode;
  readonly message: string;
  readonly retryAfterSeconds?: number;
  /** `METHOD /path` of the request that failed. */
  readonly request?: string;
  readonly cause?: unknown;
}

/**
 * An operation of conveyor/client failed: the API answered a status outside
 * 2xx (`status`, and `code` and `message` from its error body), or no answer
 * came (`status` 0, `code` 'NetworkError'). `retryAfterSeconds` is the
 * answer's Retry-After, when it had one (429 RateLimited); `request` names
 * the request (`GET /v1/topics/orders`).
 *
 * @example
 * try {
 *   await client.getTopic('orders');
 * } catch (error) {
 *   if (error instanceof ConveyorError && error.code === 'TopicNotFound') await client.putTopic('orders');
 *   else throw error;
 * }
 */
export class ConveyorError extends Error {
  public readonly status: number;
  public readonly code: ConveyorErrorCode;
  public readonly retryAfterSeconds?: number;
  public readonly request?: string;

  public constructor(init: ConveyorErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.code = init.code;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.request !== undefined) this.request = init.request;
  }

  /** Whether the same request may succeed later: no answer, a timeout, a rate limit or a server error. */
  public get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** Every code of the document, as a record so that a code added there and not here fails to compile. */
const API_CODE_RECORD: Readonly<Record<ApiErrorCode, true>> = {
  InvalidRequest: true,
  InvalidName: true,
  InvalidFilter: true,
  Unauthorized: true,
  Forbidden: true,
  NotFound: true,
  TopicNotFound: true,
  SubscriptionNotFound: true,
  ScheduleNotFound: true,
  DelayedMessageNotFound: true,
  MethodNotAllowed: true,
  RequestTimeout: true,
  HeadersTooLarge: true,
  Conflict: true,
  PayloadTooLarge: true,
  UnsupportedMediaType: true,
  RateLimited: true,
  Internal: true,
  Unavailable: true,
  QuotaExceeded: true,
};
const API_CODES: ReadonlySet<string> = new Set(Object.keys(API_CODE_RECORD));

/** The code of an answer whose body is not the API's error (API Gateway's own `{"message":"Forbidden"}`, a proxy's page). */
const CODE_BY_STATUS: Readonly<Record<number, ApiErrorCode>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  408: 'RequestTimeout',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'RateLimited',
  503: 'Unavailable',
  507: 'QuotaExceeded',
};

/** Seconds of a Retry-After header (seconds, or an HTTP date), or undefined without a usable one. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * The ConveyorError of a non-2xx answer to a `method` request, from the body
 * openapi-fetch parsed (JSON when it was, else its text) and the answer's
 * status, headers and URL.
 */
export function errorOfResponse(response: Response, body: unknown, method: string): ConveyorError {
  const target = URL.canParse(response.url) ? new URL(response.url) : undefined;
  const request = target === undefined ? method : `${method} ${target.pathname}${target.search}`;
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  const extra = { request, ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }) };
  const error = typeof body === 'object' && body !== null ? (body as { error?: { code?: unknown; message?: unknown }; message?: unknown }) : undefined;
  const code = error?.error?.code;
  const message = error?.error?.message;
  if (typeof code === 'string' && typeof message === 'string') {
    const known = API_CODES.has(code);
    return new ConveyorError({ status: response.status, code: known ? (code as ApiErrorCode) : fallbackCode(response.status), message: known ? message : `${code}: ${message}`, ...extra });
  }
  const text = typeof error?.message === 'string' ? error.message : typeof body === 'string' && body !== '' ? body.slice(0, 200) : `${response.status} ${response.statusText}`.trim();
  return new ConveyorError({ status: response.status, code: fallbackCode(response.status), message: text, ...extra });
}

function fallbackCode(status: number): ApiErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'Internal' : 'InvalidRequest');
}

/** Why an ack id did nothing (AckResult, `failed[].code`). */
export type AckFailureCode = components['schemas']['AckResult']['failed'][number]['code'];

/**
 * The consumer loop's ack, nack or lease extension was refused for some
 * messages (`failed`, each with its code): their leases had ended, so they
 * will be delivered again. Reported through `subscribe`'s `onError`.
 */
export class LeaseLostError extends Error {
  public constructor(
    public readonly operation: 'ack' | 'nack' | 'extend',
    public readonly failed: ReadonlyArray<{ readonly ackId: string; readonly code: AckFailureCode }>,
  ) {
    const codes = [...new Set(failed.map((failure) => failure.code))].join(', ');
    super(`${operation} refused for ${failed.length} message(s) (${codes}): their leases had ended, and they will be delivered again`);
    this.name = new.target.name;
  }
}
