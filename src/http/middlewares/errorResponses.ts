import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Logger } from 'pino';
import { ConveyorError } from '../../domain/errors.js';
import { errorResponse, internalErrorResponse } from '../responses.js';

/**
 * Turns any error into `{"error":{"code","message"}}` with its status. Conveyor's
 * own errors keep their code and message; anything else is logged and answered
 * as Internal without leaking details.
 */
export function errorResponses(logger: Logger): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof ConveyorError) {
        const response = errorResponse(error);
        if ((response.statusCode ?? 500) >= 500) logger.error({ err: error }, 'request failed');
        request.response = response;
        return;
      }
      logger.error({ err: error }, 'unexpected error');
      request.response = internalErrorResponse();
    },
  };
}
