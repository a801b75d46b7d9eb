import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { checkRequestPath } from '../paths/requestPath.js';

/**
 * Checks the path exactly as the client sent it (`rawPath`) and routes on it:
 * the router reads `requestContext.http.path`, which a proxy in front may have
 * decoded or normalized, so it is set to the checked raw path. On the local
 * server and on API Gateway the same bytes are then judged the same way.
 */
export function requestPath(): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async ({ event }) => {
      checkRequestPath(event.rawPath);
      event.requestContext.http.path = event.rawPath;
    },
  };
}
