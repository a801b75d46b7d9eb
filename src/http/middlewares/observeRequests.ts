import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { ApiContext } from '../createApiHandler.js';

const UNMATCHED = 'unmatched';

/**
 * Observes each request once it is answered: its latency in the request
 * metrics and a line in the access log, both by method, route template (never
 * the concrete path) and status; the log also names the caller and the request id.
 */
export function observeRequests(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, ApiContext> {
  const started = new WeakMap<object, bigint>();
  const observe = (event: APIGatewayProxyEventV2, context: ApiContext, response: APIGatewayProxyResultV2 | null | undefined): void => {
    const start = started.get(event);
    const services = context.services;
    if (start === undefined || services === undefined) return;
    const status = typeof response === 'object' && response !== null && 'statusCode' in response ? (response.statusCode ?? 200) : 200;
    const route = event.routeKey && event.routeKey !== '$default' ? event.routeKey.split(' ')[1] ?? UNMATCHED : UNMATCHED;
    const method = event.requestContext.http.method;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    services.metrics.observeRequest(method, route, status, seconds);
    services.accessLog.record({ method, route, status, durationMs: seconds * 1000, caller: context.principal?.name ?? null, requestId: event.requestContext.requestId });
  };
  return {
    before: async ({ event }) => {
      started.set(event, process.hrtime.bigint());
    },
    after: async ({ event, context, response }) => observe(event, context, response),
    onError: async ({ event, context, response }) => observe(event, context, response),
  };
}
