import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { pino } from 'pino';
import { TokenRegistry } from '../../../src/access/TokenRegistry.js';
import { createApiHandler, type ApiHandler } from '../../../src/http/createApiHandler.js';
import { apiRoutes } from '../../../src/http/routes/index.js';
import { createEmbeddedServices, type Services } from '../../../src/runtime/createEmbeddedServices.js';
import { makeDataDir, removeDataDir } from '../../helpers/dataDir.js';

type Authorizer = Record<string, unknown> | undefined;

/** An API Gateway HTTP API event as Lambda receives it behind an authorizer. */
function event(method: string, path: string, authorizer: Authorizer, body?: unknown, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '04/Dec/2026:00:00:00 +0000',
      timeEpoch: 1_796_342_400_000,
      ...(authorizer === undefined ? {} : { authorizer }),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

const jwt = (scope: string): Authorizer => ({ jwt: { claims: { sub: 'svc-checkout', scope }, scopes: null } });
const iam: Authorizer = { iam: { userArn: 'arn:aws:iam::123456789012:role/ops', accessKey: 'AKIA', accountId: '123456789012', callerId: 'x', principalOrgId: null, userId: 'x' } };

describe('Middleware: authenticate (behind API Gateway)', () => {
  let services: Services;
  let dataDir = '';
  let handler: ApiHandler;
  const call = async (request: APIGatewayProxyEventV2): Promise<{ status: number; code?: string }> => {
    const result = (await handler(request, { awsRequestId: 'req-1' } as Context)) as APIGatewayProxyStructuredResultV2;
    const isJson = String(result.headers?.['content-type'] ?? '').includes('json');
    const body = isJson && result.body !== undefined ? (JSON.parse(result.body) as { error?: { code: string } }) : {};
    return { status: result.statusCode ?? 200, ...(body.error === undefined ? {} : { code: body.error.code }) };
  };

  beforeAll(async () => {
    dataDir = makeDataDir('authenticate');
    services = createEmbeddedServices({ dataDir, logger: pino({ level: 'silent' }) });
    handler = createApiHandler({ routes: apiRoutes, services: async () => services, logger: pino({ level: 'silent' }), tokens: TokenRegistry.from({ plain: ['lambda-env-token-01'] }) });
    await call(event('PUT', '/v1/topics/orders', iam, { partitions: 1 }));
  });

  afterAll(async () => {
    await services.close();
    removeDataDir(dataDir);
  });

  it('serves what the JWT scopes grant', async () => {
    expect(await call(event('POST', '/v1/topics/orders/messages', jwt('conveyor/publish:orders'), { messages: [{ body: 1 }] }))).toEqual({ status: 200 });
  });

  it('refuses what the JWT scopes do not grant with 403 Forbidden', async () => {
    expect(await call(event('DELETE', '/v1/topics/orders', jwt('conveyor/publish:orders')))).toEqual({ status: 403, code: 'Forbidden' });
  });

  it('treats an IAM caller as an admin: IAM policies on execute-api decide which routes it reaches', async () => {
    expect(await call(event('GET', '/metrics', iam))).toEqual({ status: 200 });
  });

  it('checks bearer tokens from the environment when no authorizer identified the caller', async () => {
    expect(await call(event('GET', '/v1/topics', undefined))).toEqual({ status: 401, code: 'Unauthorized' });
    expect(await call(event('GET', '/v1/topics', undefined, undefined, { authorization: 'Bearer lambda-env-token-01' }))).toEqual({ status: 200 });
  });

  it('routes the raw path: a dot segment never reaches the topic route', async () => {
    const request = event('DELETE', '/v1/topics/orders/subscriptions/%2e%2e', iam);
    request.requestContext.http.path = '/v1/topics/orders';

    expect(await call(request)).toEqual({ status: 400, code: 'InvalidName' });
  });
});
