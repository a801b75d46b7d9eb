import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** An API Gateway HTTP API (payload 2.0) event as Lambda receives it. */
function apiGatewayEvent(method: string, path: string, body?: string, options: { base64?: boolean; query?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
    ...(options.query === undefined ? {} : { queryStringParameters: options.query }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '28/Nov/2026:00:00:00 +0000',
      timeEpoch: 1_795_824_000_000,
    },
    ...(body === undefined ? {} : { body: options.base64 === true ? Buffer.from(body).toString('base64') : body }),
    isBase64Encoded: options.base64 === true,
  };
}

const lambdaContext = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

describe('Lambda handler: functions/api.ts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-lambda-'));
  let invoke: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

  beforeAll(async () => {
    process.env['DATA_DIR'] = dataDir;
    const { handler } = await import('../../../functions/api.js');
    invoke = async (event) => (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
  });

  afterAll(async () => {
    const { processServices } = await import('../../../src/runtime/processServices.js');
    await (await processServices()).close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves API Gateway events with the process services it builds from the environment', async () => {
    // Act
    const created = await invoke(apiGatewayEvent('PUT', '/v1/topics/lambda', '{"partitions":1}'));
    const published = await invoke(apiGatewayEvent('POST', '/v1/topics/lambda/messages', '{"messages":[{"id":"m-1","body":{"n":1}}]}', { base64: true }));
    const read = await invoke(apiGatewayEvent('GET', '/v1/topics/lambda/partitions/0/messages', undefined, { query: { fromOffset: '0' } }));

    // Assess
    expect(created.statusCode).toBe(201);
    expect(JSON.parse(published.body ?? '')).toEqual({ results: [{ id: 'm-1', partition: 0, offset: 0, duplicate: false }] });
    expect(JSON.parse(read.body ?? '')).toMatchObject({ messages: [{ id: 'm-1', body: { n: 1 } }], nextOffset: 1 });
  });

  it('answers a route it does not know with a JSON 404', async () => {
    const response = await invoke(apiGatewayEvent('GET', '/v2/anything'));

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body ?? '')).toMatchObject({ error: { code: 'NotFound' } });
  });
});
