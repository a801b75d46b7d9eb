import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ErrorCode, MethodNotAllowedError, RateLimitedError, type ConveyorError } from '../domain/errors.js';
import { STATUS_BY_CODE } from './errorStatus.js';
import type { ApiResult } from './types.js';

export function jsonResponse(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** Headers some errors require: Allow on 405 (RFC 9110), Retry-After on 429. */
function errorHeaders(error: ConveyorError): Record<string, string> {
  if (error instanceof MethodNotAllowedError) return { allow: error.allowed.join(', ') };
  if (error instanceof RateLimitedError) return { 'retry-after': String(error.retryAfterSeconds) };
  return {};
}

/** `{"error":{"code","message"}}` with the status of its code: the one shape of every error answer. */
export function errorResponse(error: ConveyorError): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(STATUS_BY_CODE[error.code], { error: { code: error.code, message: error.message } }, errorHeaders(error));
}

/** For anything that is not a ConveyorError: no details leak. */
export function internalErrorResponse(): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(500, { error: { code: ErrorCode.Internal, message: 'internal error; see the server log' } });
}

export function toResponse(result: ApiResult): APIGatewayProxyStructuredResultV2 {
  if (result.text !== undefined) return { statusCode: result.status, headers: { 'content-type': result.text.contentType }, body: result.text.content };
  if (result.body === undefined) return { statusCode: result.status };
  return jsonResponse(result.status, result.body);
}
