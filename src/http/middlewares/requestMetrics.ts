import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { ApiContext } from '../createApiHandler.js';

const UNMATCHED = 'unmatched';

/** Observes each request's latency by method, route template and status. */
export function requestMetrics(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, ApiContext> {
  const started = new WeakMap<object, bigint>();
  const observe = (event: APIGatewayProxyEventV2, context: ApiContext, response: APIGatewayProxyResultV2 | null | undefined): void => {
    const start = started.get(event);
    const sink = context.services?.metrics;
    if (start === undefined || sink === undefined) return;
    const status = typeof response === 'object' && response !== null && 'statusCode' in response ? (response.statusCode ?? 200) : 200;
    const route = event.routeKey && event.routeKey !== '$default' ? event.routeKey.split(' ')[1] ?? UNMATCHED : UNMATCHED;
    sink.observeRequest(event.requestContext.http.method, route, status, Number(process.hrtime.bigint() - start) / 1e9);
  };
  return {
    before: async ({ event }) => {
      started.set(event, process.hrtime.bigint());
    },
    after: async ({ event, context, response }) => observe(event, context, response),
    onError: async ({ event, context, response }) => observe(event, context, response),
  };
}
