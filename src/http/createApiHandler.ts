import middy, { type MiddyfiedHandler } from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Logger } from 'pino';
import { ConveyorError, ErrorCode } from '../domain/errors.js';
import { PublishLimits } from '../domain/constants.js';
import { bearerAuth } from './middlewares/bearerAuth.js';
import { errorResponses } from './middlewares/errorResponses.js';
import { jsonBody, type ParsedBodyEvent } from './middlewares/jsonBody.js';
import { requestMetrics } from './middlewares/requestMetrics.js';
import { toResponse } from './responses.js';
import type { ApiRoute, ApiServices } from './types.js';

/** The Lambda context, plus what the local server can hand in per request. */
export interface ApiContext extends Context {
  /** Services of this request; the local server sets them, on Lambda the process default is used. */
  services?: ApiServices;
  /** Aborted when the client goes away (local server only), so long-polls stop early. */
  signal?: AbortSignal;
}

export type ApiHandler = MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, ApiContext>;

export interface ApiHandlerOptions {
  readonly routes: readonly ApiRoute[];
  /** Services used when the context brings none: built once per process. */
  readonly services: () => Promise<ApiServices>;
  readonly logger: Logger;
  /** Bearer tokens; empty means the handler does not check (API Gateway authorizes). */
  readonly authTokens: readonly string[];
}

function templateRegExp(path: string): RegExp {
  return new RegExp(`^${path.replace(/\{[^/]+\}/g, '[^/]+')}/?$`);
}

/**
 * Builds the API Gateway (HTTP API, payload v2) handler for a set of routes: the
 * same handler runs on Lambda and behind the local server.
 *
 * @example
 * export const handler = createApiHandler({ routes: apiRoutes, services: processServices, logger, authTokens: [] });
 */
export function createApiHandler(options: ApiHandlerOptions): ApiHandler {
  const templates = options.routes.map((route) => templateRegExp(route.path));
  const routes: Array<Route<APIGatewayProxyEventV2, APIGatewayProxyResultV2>> = options.routes.map((route) => ({
    method: route.method,
    path: route.path,
    handler: async (event: APIGatewayProxyEventV2, context: Context) => {
      const apiContext = context as ApiContext;
      const parsed = event as ParsedBodyEvent;
      event.routeKey = `${route.method} ${route.path}`;
      // The first middleware has set them: the local server's, or this process's.
      const services = apiContext.services ?? (await options.services());
      const result = await route.operation(
        {
          params: event.pathParameters ?? {},
          query: event.queryStringParameters ?? {},
          body: parsed.body,
          ...(apiContext.signal === undefined ? {} : { signal: apiContext.signal }),
        },
        services,
      );
      return toResponse(result);
    },
  }));

  const base = httpRouterHandler({
    routes,
    notFoundResponse: ({ path }: { method: string; path: string }) => {
      const known = templates.some((template) => template.test(path));
      throw known
        ? new ConveyorError(ErrorCode.MethodNotAllowed, `this method is not allowed on ${path}`)
        : new ConveyorError(ErrorCode.NotFound, `no route ${path}; see docs/openapi.yaml`);
    },
  });

  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, ApiContext>()
    .use({
      before: async (request) => {
        request.context.services ??= await options.services();
      },
    })
    .use(requestMetrics())
    .use(errorResponses(options.logger))
    .use(bearerAuth({ tokens: options.authTokens }))
    .use(jsonBody({ maxBytes: PublishLimits.requestBytes }))
    .handler(base as unknown as (event: APIGatewayProxyEventV2, context: ApiContext) => Promise<APIGatewayProxyResultV2>);
}
