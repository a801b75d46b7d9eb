import type { Principal } from '../access/Principal.js';
import type { Broker } from '../broker/Broker.js';
import type { AccessLog } from '../observability/AccessLog.js';
import type { Metrics } from '../observability/Metrics.js';
import type { RouteAccess } from './access.js';

/** What every route needs from its process: built once, shared by all requests. */
export interface ApiServices {
  readonly broker: Broker;
  readonly metrics: Metrics;
  /** One line per request (CONVEYOR_ACCESS_LOG). */
  readonly accessLog: AccessLog;
}

export interface ApiRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON body (`null` when the client sent `null`), or undefined when none was sent. */
  readonly body: unknown;
  /** Who is calling; routes that list or look up decide with it what the caller may see. */
  readonly principal: Principal;
  /** Holds one of the caller's long-poll slots until the returned function runs; throws RateLimited when none is left. */
  readonly holdLongPoll: () => () => void;
  readonly signal?: AbortSignal;
}

export interface ApiResult {
  readonly status: number;
  readonly body?: unknown;
  /** A non-JSON body (the Prometheus exposition). */
  readonly text?: { readonly contentType: string; readonly content: string };
}

export interface ApiRoute {
  readonly method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  /** API Gateway style template, e.g. /v1/topics/{topic}. */
  readonly path: string;
  /** What the caller needs: checked before the body is parsed and before anything is looked up. */
  readonly access: RouteAccess;
  readonly operation: (request: ApiRequest, services: ApiServices) => Promise<ApiResult>;
}

export const ok = (body: unknown): ApiResult => ({ status: 200, body });
export const createdOrOk = (created: boolean, body: unknown): ApiResult => ({ status: created ? 201 : 200, body });
export const noContent: ApiResult = { status: 204 };
