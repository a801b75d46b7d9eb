import type { Broker } from '../broker/Broker.js';
import type { Metrics } from '../observability/Metrics.js';

/** What every route needs from its process: built once, shared by all requests. */
export interface ApiServices {
  readonly broker: Broker;
  readonly metrics: Metrics;
}

export interface ApiRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON body, or undefined when none was sent. */
  readonly body: unknown;
  readonly signal?: AbortSignal;
}

export interface ApiResult {
  readonly status: number;
  readonly body?: unknown;
  /** A non-JSON body (the Prometheus exposition). */
  readonly text?: { readonly contentType: string; readonly content: string };
}

export interface ApiRoute {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** API Gateway style template, e.g. /v1/topics/{topic}. */
  readonly path: string;
  readonly operation: (request: ApiRequest, services: ApiServices) => Promise<ApiResult>;
}

export const ok = (body: unknown): ApiResult => ({ status: 200, body });
export const createdOrOk = (created: boolean, body: unknown): ApiResult => ({ status: created ? 201 : 200, body });
export const noContent: ApiResult = { status: 204 };
