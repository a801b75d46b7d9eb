import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { loopbackUrl, runUntilExit, startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';
import { ApiClient, requireStatus, type ApiResponse } from './harness/ApiClient.js';
import { Conveyor } from './harness/Conveyor.js';
import { expectApiError } from './harness/expectations.js';
import { addSubscription } from './harness/queueFixtures.js';

const TOKENS = 'alpha,beta';

/** One request of every kind a client makes; each must be refused without a valid token. */
const PROTECTED_REQUESTS: ReadonlyArray<{ case: string; send: (api: Conveyor) => Promise<ApiResponse<unknown>> }> = [
  { case: 'GET /v1/topics', send: (api) => api.listTopics() },
  { case: 'PUT /v1/topics/{topic}', send: (api) => api.createTopic('sneaky', { partitions: 1 }) },
  { case: 'POST /v1/topics/{topic}/messages', send: (api) => api.publish('guarded', [{ body: 'intrusion' }]) },
  { case: 'GET /v1/topics/{topic}/partitions/{partition}/messages', send: (api) => api.read('guarded', 0) },
  { case: 'POST …/pull', send: (api) => api.pull('guarded', 'worker') },
  { case: 'DELETE /v1/topics/{topic}', send: (api) => api.deleteTopic('guarded') },
  { case: 'GET /v1/schedules', send: (api) => api.listSchedules() },
  { case: 'GET /metrics', send: (api) => api.http.get('/metrics') },
];

const BAD_CREDENTIALS: ReadonlyArray<{ case: string; headers: Record<string, string> }> = [
  { case: 'no Authorization header', headers: {} },
  { case: 'an unknown token', headers: { authorization: 'Bearer gamma' } },
  { case: 'a token in the wrong case', headers: { authorization: 'Bearer Alpha' } },
  { case: 'both tokens glued together', headers: { authorization: 'Bearer alpha,beta' } },
  { case: 'the Basic scheme', headers: { authorization: 'Basic alpha' } },
  { case: 'a bare token without scheme', headers: { authorization: 'alpha' } },
  { case: 'an empty bearer token', headers: { authorization: 'Bearer ' } },
];

describe('Authentication with AUTH_TOKENS (child process)', () => {
  let server: ServerProcess | undefined;
  let dataDir = '';
  const client = (token?: string): Conveyor => {
    if (server === undefined) throw new Error('the server did not start');
    return new Conveyor(new ApiClient(server.url, token));
  };

  beforeAll(async () => {
    dataDir = makeDataDir('auth');
    server = await startServerProcess({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_TOKENS: TOKENS });
    requireStatus('creating topic guarded', await client('alpha').createTopic('guarded', { partitions: 1 }), 201);
    await addSubscription(client('alpha'), { topic: 'guarded', subscription: 'worker' });
  });

  afterAll(async () => {
    await stopServer(server);
    removeDataDir(dataDir);
  });

  it.each(PROTECTED_REQUESTS)('answers $case without a token with 401 Unauthorized', async ({ send }) => {
    expectApiError(await send(client()), 401, 'Unauthorized');
  });

  it.each(BAD_CREDENTIALS)('answers a request with $case with 401 Unauthorized', async ({ headers }) => {
    expectApiError(await client().http.get('/v1/topics', { headers }), 401, 'Unauthorized');
  });

  it('does not perform a request it refused', async () => {
    // Act
    const refused = await client('gamma').publish('guarded', [{ body: 'intrusion' }]);

    // Assess
    expect(refused.status).toBe(401);
    expect((await client('alpha').read('guarded', 0)).body.messages).toEqual([]);
    expect((await client('alpha').getTopic('sneaky')).status).toBe(404);
  });

  it.each([{ token: 'alpha' }, { token: 'beta' }])('serves every request with the token $token', async ({ token }) => {
    // Prepare
    const api = client(token);
    const topic = `open-${token}`;

    // Act
    const created = await api.createTopic(topic, { partitions: 1 });
    const published = await api.publish(topic, [{ body: { by: token } }]);
    const read = await api.read(topic, 0);
    const metrics = await api.http.get('/metrics');

    // Assess
    expect([created.status, published.status, read.status, metrics.status]).toEqual([201, 200, 200, 200]);
    expect(read.body.messages.map((m) => m.body)).toEqual([{ by: token }]);
  });

  it('accepts the scheme name in any case, as HTTP auth schemes are case-insensitive', async () => {
    expect((await client().http.get('/v1/topics', { headers: { authorization: 'bearer beta' } })).status).toBe(200);
  });

  it.each([
    { case: 'without a token', token: undefined },
    { case: 'with an unknown token', token: 'gamma' },
  ])('serves /healthz $case', async ({ token }) => {
    // Act
    const response = await client(token).http.get<{ status: string }>('/healthz');

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });
});

describe('Listening beyond loopback (child process)', () => {
  const dataDirs: string[] = [];
  const dataDir = (): string => {
    const dir = makeDataDir('auth-host');
    dataDirs.push(dir);
    return dir;
  };

  afterAll(() => {
    for (const dir of dataDirs) removeDataDir(dir);
  });

  it.each<{ case: string; env: Record<string, string> }>([
    { case: 'without AUTH_TOKENS', env: {} },
    { case: 'with AUTH_TOKENS holding only separators and blanks', env: { AUTH_TOKENS: ' , ,' } },
  ])('refuses to start on HOST=0.0.0.0 $case, exiting with code 2 and naming AUTH_TOKENS', async ({ env }) => {
    // Act
    const { code, output } = await runUntilExit({ PORT: '0', HOST: '0.0.0.0', DATA_DIR: dataDir(), ...env });

    // Assess: 2 is the exit code of a configuration the server refuses
    expect(code).toBe(2);
    expect(output).toContain('AUTH_TOKENS');
    expect(output).not.toContain('listening on');
  });

  it('starts on HOST=0.0.0.0 with AUTH_TOKENS and still requires a token', async () => {
    // Prepare
    let server: ServerProcess | undefined;
    try {
      server = await startServerProcess({ PORT: '0', HOST: '0.0.0.0', DATA_DIR: dataDir(), AUTH_TOKENS: TOKENS });
      const url = loopbackUrl(server.url);

      // Act
      const anonymous = await new ApiClient(url).get('/v1/topics');
      const authorised = await new ApiClient(url, 'beta').get('/v1/topics');

      // Assess
      expect(server.url).toContain('0.0.0.0');
      expect([anonymous.status, authorised.status]).toEqual([401, 200]);
    } finally {
      await stopServer(server);
    }
  });
});
