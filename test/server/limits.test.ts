import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { ApiClient, requireStatus } from '../contract/harness/ApiClient.js';
import { Conveyor } from '../contract/harness/Conveyor.js';
import { expectApiError } from '../contract/harness/expectations.js';
import { sendRaw } from '../contract/harness/rawHttp.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';

const SLOW = 'slow-token-000000000000001';
const BYTES = 'bytes-token-00000000000002';
const ADMIN = 'admin-token-00000000000003';

/** Kilobytes of memory the process holds now (VmRSS). */
function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? NaN);
}

describe('Rate limits (child process)', () => {
  let server: ServerProcess | undefined;
  let dataDir = '';
  const as = (token: string | undefined): Conveyor => new Conveyor(new ApiClient(server!.url, token));

  beforeAll(async () => {
    dataDir = makeDataDir('limits');
    const file = join(dataDir, 'tokens.json');
    writeFileSync(
      file,
      JSON.stringify({
        tokens: [
          { name: 'slow', token: SLOW, grants: ['admin'], rateLimit: { requestsPerSecond: 0.2, burst: 3 } },
          { name: 'bytes', token: BYTES, grants: ['admin'], rateLimit: { requestsPerSecond: 1000, bytesPerSecond: 100, burstBytes: 3000 } },
          { name: 'admin', token: ADMIN, grants: ['admin'] },
        ],
      }),
    );
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir, AUTH_TOKENS_FILE: file });
    requireStatus('create topic', await as(ADMIN).createTopic('metered', { partitions: 1 }), 201);
  });

  afterAll(async () => {
    await stopServer(server);
    removeDataDir(dataDir);
  });

  it('answers a token over its request rate with 429 RateLimited and Retry-After, and does not publish', async () => {
    // Act: a burst of 3, then nothing for 5 s
    const answers = [];
    for (let n = 0; n < 4; n += 1) answers.push(await as(SLOW).publish('metered', [{ id: `slow-${n}`, body: n }]));

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expectApiError(answers[3]!, 429, 'RateLimited', ['slow', '0.2 requests per second']);
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const { messages } = requireStatus('read', await as(ADMIN).read('metered', 0));
    expect(messages.map((message) => message.id)).toEqual(['slow-0', 'slow-1', 'slow-2']);
  });

  it('keeps one token over its limit from slowing another', async () => {
    expect((await as(ADMIN).publish('metered', [{ body: 'unmetered' }])).status).toBe(200);
  });

  it('counts refusals before routing in the request metrics', async () => {
    const metrics = await as(ADMIN).http.get('/metrics');

    expect(metrics.text).toMatch(/conveyor_http_request_duration_seconds_count\{method="POST",route="refused before routing",status="429"\} [1-9]/);
  });

  it('limits request body bytes per token: a second 2 KB publish within the second is refused', async () => {
    // Prepare
    const body = 'b'.repeat(2000);

    // Act
    const first = await as(BYTES).publish('metered', [{ id: 'bytes-1', body }]);
    const second = await as(BYTES).publish('metered', [{ id: 'bytes-2', body }]);

    // Assess
    expect(first.status).toBe(200);
    expectApiError(second, 429, 'RateLimited', ['bytes']);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('limits requests with a wrong token per client address (a burst of 20, 5 per second), and a good token still gets through', async () => {
    // Act: 40 guesses at once
    const started = Date.now();
    const statuses = (await Promise.all(Array.from({ length: 40 }, () => as('wrong-token-guess-00000000').listTopics()))).map((answer) => answer.status);
    const seconds = (Date.now() - started) / 1000;
    const good = await as(ADMIN).listTopics();

    // Assess: only what the bucket held and refilled meanwhile got as far as 401
    const refused = statuses.filter((status) => status === 401).length;
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(refused).toBeGreaterThanOrEqual(20);
    expect(refused).toBeLessThanOrEqual(20 + Math.ceil(5 * seconds));
    expect(good.status).toBe(200);
  });

  it('answers Expect: 100-continue from a wrong token with 401 at once, so the body is never sent', async () => {
    // Prepare
    const url = new URL(server!.url);
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    await new Promise((resolve) => socket.once('connect', resolve));
    const answered = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())));

    // Act: headers only, announcing 5 MB
    socket.write(`POST /v1/topics/metered/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 5000000\r\nexpect: 100-continue\r\nauthorization: Bearer nope-nope-nope-nope\r\n\r\n`);
    const answer = await answered;
    socket.destroy();

    // Assess
    expect(answer).toMatch(/^HTTP\/1\.1 (401|429) /);
    expect(answer).not.toContain('100 Continue');
  });

  it('refuses unauthenticated 5 MiB bodies before reading them: 40 at once (200 MiB of bodies) grow the server by less than 100 MB', async () => {
    // Prepare
    const pid = server!.child.pid!;
    const body = Buffer.alloc(5 * 1024 * 1024 - 100, 'x');
    const before = rssKiB(pid);
    const url = server!.url;

    // Act
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        sendRaw(url, { method: 'POST', target: '/v1/topics/metered/messages', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}x`, connection: 'keep-alive' }, body }),
      ),
    );
    const growthKiB = rssKiB(pid) - before;

    // Assess
    expect(answers.every((answer) => answer.status === 401 || answer.status === 429)).toBe(true);
    expect(growthKiB).toBeLessThan(100 * 1024);
  });
});

describe('Long-poll limits (child process)', () => {
  let server: ServerProcess | undefined;
  let dataDir = '';

  beforeAll(async () => {
    dataDir = makeDataDir('long-polls');
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir, CONVEYOR_MAX_LONG_POLLS: '2' });
    const api = new Conveyor(new ApiClient(server.url));
    requireStatus('create topic', await api.createTopic('quiet', { partitions: 1 }), 201);
    requireStatus('create subscription', await api.createSubscription('quiet', 'waiter'), 201);
  });

  afterAll(async () => {
    await stopServer(server);
    removeDataDir(dataDir);
  });

  it('answers a third long-poll of one caller with 429, while two wait', async () => {
    // Prepare
    const api = new Conveyor(new ApiClient(server!.url));
    const waiting = [api.pull('quiet', 'waiter', { waitSeconds: 3 }), api.pull('quiet', 'waiter', { waitSeconds: 3 })];
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Act
    const third = await api.pull('quiet', 'waiter', { waitSeconds: 3 });
    const short = await api.pull('quiet', 'waiter', { waitSeconds: 0 });

    // Assess
    expectApiError(third, 429, 'RateLimited', ['long-polls']);
    expect(short.status).toBe(200);
    expect((await Promise.all(waiting)).map((answer) => answer.status)).toEqual([200, 200]);
    expect((await api.pull('quiet', 'waiter', { waitSeconds: 1 })).status).toBe(200);
  });
});

/** Only raw sockets talk to this server: a client's own pool of idle connections would count toward the limit too. */
describe('Connection limits (child process)', () => {
  let server: ServerProcess | undefined;
  let dataDir = '';
  const sockets: Socket[] = [];

  beforeAll(async () => {
    dataDir = makeDataDir('connections');
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir, CONVEYOR_MAX_CONNECTIONS: '4', CONVEYOR_HEADERS_TIMEOUT_MS: '1000' });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await stopServer(server);
    removeDataDir(dataDir);
  });

  it('answers connections past the limit with 503 and closes them', async () => {
    // Prepare: idle keep-alive connections, each after one request
    const url = new URL(server!.url);
    const firstLines: string[] = [];
    for (let n = 0; n < 8; n += 1) {
      const socket = connect({ host: url.hostname, port: Number(url.port) });
      await new Promise((resolve) => socket.once('connect', resolve));
      const answered = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())));
      socket.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
      firstLines.push(await answered);
      sockets.push(socket);
    }

    // Assess: at most four were served; every later one got the reason
    const served = firstLines.filter((text) => text.startsWith('HTTP/1.1 200'));
    const refused = firstLines.filter((text) => text.startsWith('HTTP/1.1 503'));
    expect(served.length).toBeLessThanOrEqual(4);
    expect(served.length + refused.length).toBe(8);
    expect(refused.at(-1)).toContain('limit of 4');
  });

  it('serves again once connections close', async () => {
    // Act: the server counts a connection gone when it sees it close, a moment after the client does
    for (const socket of sockets.splice(0)) socket.destroy();
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await sendRaw(server!.url, { method: 'GET', target: '/healthz' })).status;
    }

    // Assess
    expect(status).toBe(200);
  });

  it('closes a connection that sends no complete headers within the headers timeout', async () => {
    // Prepare
    const url = new URL(server!.url);
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });

    // Act: half a request line, then silence
    socket.write('GET /v1/top');
    await new Promise((resolve) => socket.once('close', resolve));

    // Assess
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  }, 15_000);
});
