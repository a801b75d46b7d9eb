import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Shapes a node:http request as API Gateway's HTTP API (payload format 2.0)
 * would hand it to Lambda: lower-case headers joined by commas, repeated query
 * values joined by commas, body as a UTF-8 string.
 *
 * The path is passed on exactly as the client sent it (request target up to the
 * `?`). Parsing it as a URL would collapse `..` and `%2e%2e` and read a leading
 * `//x` as a host, and so route a request to a resource it does not name; the
 * handler checks and routes the raw path instead (src/http/paths/requestPath.ts).
 */
export function toApiGatewayEvent(request: IncomingMessage, body: string): APIGatewayProxyEventV2 {
  const target = request.url ?? '/';
  const queryStart = target.indexOf('?');
  const rawPath = queryStart < 0 ? target : target.slice(0, queryStart);
  const rawQueryString = queryStart < 0 ? '' : target.slice(queryStart + 1);
  const searchParams = new URLSearchParams(rawQueryString);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  // Own properties, `__proto__` included, so an unknown parameter of that name is refused like any other.
  for (const key of new Set(searchParams.keys())) Object.defineProperty(query, key, { value: searchParams.getAll(key).join(','), enumerable: true, writable: true, configurable: true });
  const now = new Date();
  const method = (request.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body } : {}),
    isBase64Encoded: false,
  };
}
