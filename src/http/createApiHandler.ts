import middy, { type MiddyfiedHandler } from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Logger } from 'pino';
import type { Principal } from '../access/Principal.js';
import type { TokenRegistry } from '../access/TokenRegistry.js';
import { ConveyorError, ErrorCode, MethodNotAllowedError } from '../domain/errors.js';
import { PublishLimits } from '../domain/constants.js';
import { authorize } from './access.js';
import { readJsonBody, type RequestBody } from './jsonBody.js';
import { authenticate } from './middlewares/authenticate.js';
import { errorResponses } from './middlewares/errorResponses.js';
import { observeRequests } from './middlewares/observeRequests.js';
import { requestPath } from './middlewares/requestPath.js';
import { toResponse } from './responses.js';
import type { ApiRequest, ApiRoute, ApiServices } from './types.js';

/** The Lambda context, plus what the local server can hand in per request. */
export interface ApiContext extends Context {
  /** Services of this request; the local server sets them, on Lambda the process default is used. */
  services?: ApiServices;
  /** Aborted when the client goes away (local server only), so long-polls stop early. */
  signal?: AbortSignal;
  /** Who is calling: set by the local server before it reads the body, otherwise by the authenticate middleware. */
  principal?: Principal;
  /** Holds one of the caller's long-poll slots (local server only); throws RateLimited when it has none left. */
  holdLongPoll?: () => () => void;
}

export type ApiHandler = MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, ApiContext>;

export interface ApiHandlerOptions {
  readonly routes: readonly ApiRoute[];
  /** Services used when the context brings none: built once per process. */
  readonly services: () => Promise<ApiServices>;
  readonly logger: Logger;
  /** Bearer tokens checked when nothing in front identified the caller; empty means API Gateway (IAM or JWT) or nobody authorizes. */
  readonly tokens: TokenRegistry;
  /** JWT claim with the grants, behind API Gateway's JWT authorizer. @default 'scope' */
  readonly jwtGrantsClaim?: string;
}

const templateRegExp = (path: string): RegExp => new RegExp(`^${path.replace(/\{[^/]+\}/g, '[^/]+')}/?$`);
const releaseNothing = (): void => undefined;

/**
 * Builds the API Gateway (HTTP API, payload v2) handler for a set of routes: the
 * same handler runs on Lambda and behind the local server. Order of checks: the
 * caller (401), the path as sent (400), the route (404/405), the caller's grants
 * on the path's topic (403), then the body (413/415/400) and the operation.
 *
 * @example
 * export const handler = createApiHandler({ routes: apiRoutes, services: processServices, logger, tokens: TokenRegistry.empty });
 */
export function createApiHandler(options: ApiHandlerOptions): ApiHandler {
  const templates = options.routes.map((route) => ({ method: route.method, pattern: templateRegExp(route.path) }));
  const publicPaths = new Set(options.routes.filter((route) => route.access.kind === 'public').map((route) => route.path));
  const routes: Array<Route<APIGatewayProxyEventV2, APIGatewayProxyResultV2>> = options.routes.map((route) => ({
    method: route.method,
    path: route.path,
    handler: async (event: APIGatewayProxyEventV2, context: Context) => {
      const apiContext = context as ApiContext;
      event.routeKey = `${route.method} ${route.path}`;
      const params = event.pathParameters ?? {};
      const principal = apiContext.principal;
      if (principal === undefined) throw new ConveyorError(ErrorCode.Internal, 'no caller was identified for this request');
      authorize(route.access, params, principal);
      // Parsed when the operation first reads it: a route that takes no body never judges one.
      let body: RequestBody | undefined;
      const request: ApiRequest = {
        params,
        query: event.queryStringParameters ?? {},
        get body() {
          body ??= readJsonBody(event, PublishLimits.requestBytes);
          return body.present ? body.value : undefined;
        },
        principal,
        holdLongPoll: apiContext.holdLongPoll ?? (() => releaseNothing),
        ...(apiContext.signal === undefined ? {} : { signal: apiContext.signal }),
      };
      // The first middleware has set them: the local server's, or this process's.
      const services = apiContext.services ?? (await options.services());
      return toResponse(await route.operation(request, services));
    },
  }));

  const base = httpRouterHandler({
    routes,
    notFoundResponse: ({ path }: { method: string; path: string }) => {
      const allowed = [...new Set(templates.filter((template) => template.pattern.test(path)).map((template) => template.method))];
      throw allowed.length > 0 ? new MethodNotAllowedError(path, allowed) : new ConveyorError(ErrorCode.NotFound, `no route ${path}; see docs/openapi.yaml`);
    },
  });

  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, ApiContext>()
    .use({
      before: async (request) => {
        request.context.services ??= await options.services();
      },
    })
    .use(observeRequests())
    .use(errorResponses(options.logger))
    .use(authenticate({ tokens: options.tokens, publicPaths, ...(options.jwtGrantsClaim === undefined ? {} : { jwtGrantsClaim: options.jwtGrantsClaim }) }))
    .use(requestPath())
    .handler(base as unknown as (event: APIGatewayProxyEventV2, context: ApiContext) => Promise<APIGatewayProxyResultV2>);
}
