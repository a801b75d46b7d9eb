import { connect } from 'node:net';
import { pino } from 'pino';
import { TokenRegistry } from '../../src/access/TokenRegistry.js';
import { createApiHandler } from '../../src/http/createApiHandler.js';
import { apiRoutes } from '../../src/http/routes/index.js';
import { createEmbeddedServices, type Services } from '../../src/runtime/createEmbeddedServices.js';
import { LocalServer } from '../../src/server/LocalServer.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';

/** Sends raw bytes on a fresh connection and returns everything the server answers before it closes. */
function exchange(url: string, bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.on('connect', () => socket.write(bytes));
  });
}

/** Status and error code of a hand-written answer. */
function parse(answer: string): { status: number; code: string | undefined } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return { status, code: body === '' ? undefined : (JSON.parse(body) as { error: { code: string } }).error.code };
}

describe('Class: LocalServer, requests that never become a request', () => {
  let services: Services;
  let server: LocalServer;
  let url = '';
  let dataDir = '';

  beforeAll(async () => {
    dataDir = makeDataDir('malformed');
    const logger = pino({ level: 'silent' });
    services = createEmbeddedServices({ dataDir, logger });
    server = new LocalServer({ handler: createApiHandler({ routes: apiRoutes, services: async () => services, logger, tokens: TokenRegistry.empty }), services, logger });
    url = await server.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await server.stop();
    await services.close();
    removeDataDir(dataDir);
  });

  it.each([
    { case: 'a space in the target', request: 'GET /v1/top ics HTTP/1.1\r\nhost: x\r\n\r\n' },
    { case: 'a raw NUL in the target', request: 'GET /v1/\u0000 HTTP/1.1\r\nhost: x\r\n\r\n' },
    { case: 'an unknown method', request: 'FROB /v1/topics HTTP/1.1\r\nhost: x\r\n\r\n' },
    { case: 'a non-numeric content-length', request: 'POST /v1/topics/a/messages HTTP/1.1\r\nhost: x\r\ncontent-length: ten\r\n\r\n' },
    { case: 'content-length together with chunked', request: 'POST /v1/topics/a/messages HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n' },
    { case: 'CONNECT', request: 'CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n' },
  ])('answers $case with 400 InvalidRequest in the error shape, and closes', async ({ request }) => {
    expect(parse(await exchange(url, request))).toEqual({ status: 400, code: 'InvalidRequest' });
  });

  it('answers headers over 16 KiB with 431 HeadersTooLarge', async () => {
    const answer = await exchange(url, `GET /v1/topics HTTP/1.1\r\nhost: x\r\nx-padding: ${'p'.repeat(20_000)}\r\n\r\n`);

    expect(parse(answer)).toEqual({ status: 431, code: 'HeadersTooLarge' });
  });

  it('honours connection: close from the client', async () => {
    const answer = await exchange(url, 'GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');

    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.toLowerCase()).toContain('connection: close');
  });
});
