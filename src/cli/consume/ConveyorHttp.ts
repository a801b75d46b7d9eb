import { ErrorCode } from '../../domain/errors.js';
import type { AckOutcome, Delivery, Subscription, SubscriptionStats, Topic } from '../../domain/types.js';
import { ApiError } from '../errors.js';

/** A subscription as `GET …/subscriptions/{s}` describes it; on the AWS backend with its queue (`aws.queueArn`). */
export type SubscriptionView = Subscription & { readonly stats: SubscriptionStats; readonly aws?: { readonly queueArn?: string } };

/** Most characters of a nack reason the API takes (AckLimits.reasonLength). */
const MAX_REASON_LENGTH = 1024;

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * The few API calls `conveyor consume` makes, over fetch (whose connections
 * Node keeps alive between requests). Every failure is an ApiError. A pull
 * takes an AbortSignal, so a stop request cuts a long-poll short (the server
 * gives back what it leased for a request that went away).
 *
 * @example
 * const http = new ConveyorHttp('http://127.0.0.1:8080', token);
 * const { messages } = await http.pull('orders', 'billing', { max: 10, waitSeconds: 20 });
 */
export class ConveyorHttp {
  private readonly baseUrl: string;

  public constructor(
    baseUrl: string,
    private readonly token?: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  public getTopic(topic: string): Promise<Topic> {
    return this.call('GET', `/v1/topics/${encodeURIComponent(topic)}`);
  }

  public getSubscription(topic: string, subscription: string): Promise<SubscriptionView> {
    return this.call('GET', subscriptionPath(topic, subscription));
  }

  public pull(topic: string, subscription: string, request: { max: number; waitSeconds: number }, signal?: AbortSignal): Promise<{ messages: Delivery[] }> {
    return this.call('POST', `${subscriptionPath(topic, subscription)}/pull`, request, signal);
  }

  public ack(topic: string, subscription: string, ackIds: readonly string[]): Promise<AckOutcome> {
    return this.call('POST', `${subscriptionPath(topic, subscription)}/ack`, { ackIds });
  }

  /** Gives messages back with a reason (cut to what the API takes). */
  public nack(topic: string, subscription: string, ackIds: readonly string[], reason: string): Promise<AckOutcome> {
    const trimmed = reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
    return this.call('POST', `${subscriptionPath(topic, subscription)}/nack`, { ackIds, ...(trimmed === '' ? {} : { reason: trimmed }) });
  }

  private async call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new ApiError(0, ErrorCode.Unavailable, `${method} ${this.baseUrl}${path} failed: ${reason}`, { cause: error });
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    throw errorOf(response.status, text, `${method} ${path}`);
  }
}

function subscriptionPath(topic: string, subscription: string): string {
  return `/v1/topics/${encodeURIComponent(topic)}/subscriptions/${encodeURIComponent(subscription)}`;
}

/** The API's error body as an ApiError; a body of another shape (a proxy's page, say) in the message as received. */
function errorOf(status: number, text: string, request: string): ApiError {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof error?.code === 'string' && typeof error.message === 'string') {
      return new ApiError(status, KNOWN_CODES.has(error.code) ? (error.code as ErrorCode) : ErrorCode.Internal, `${request}: ${status} ${error.code}: ${error.message}`);
    }
  } catch {
    // not JSON: reported as it came
  }
  return new ApiError(status, status >= 500 ? ErrorCode.Internal : ErrorCode.InvalidRequest, `${request}: ${status}: ${text.slice(0, 200)}`);
}
