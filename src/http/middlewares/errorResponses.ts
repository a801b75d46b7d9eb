import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Logger } from 'pino';
import { ConveyorError, ErrorCode } from '../../domain/errors.js';
import { STATUS_BY_CODE } from '../errorStatus.js';
import { jsonResponse } from '../responses.js';

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
        const status = STATUS_BY_CODE[error.code];
        if (status >= 500) logger.error({ err: error }, 'request failed');
        request.response = jsonResponse(status, { error: { code: error.code, message: error.message } });
        return;
      }
      logger.error({ err: error }, 'unexpected error');
      request.response = jsonResponse(500, { error: { code: ErrorCode.Internal, message: 'internal error; see the server log' } });
    },
  };
}
