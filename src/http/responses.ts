import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiResult } from './types.js';

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function toResponse(result: ApiResult): APIGatewayProxyStructuredResultV2 {
  if (result.text !== undefined) return { statusCode: result.status, headers: { 'content-type': result.text.contentType }, body: result.text.content };
  if (result.body === undefined) return { statusCode: result.status };
  return jsonResponse(result.status, result.body);
}
