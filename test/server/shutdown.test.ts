import { startServerProcess, type ServerProcess } from '../helpers/serverProcess.js';
import { makeDataDir, removeDataDir, stopServer } from '../helpers/serverLifecycle.js';

const json = { 'content-type': 'application/json' };

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, { method, headers: json, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined };
}

describe('npm start: stopping on SIGTERM', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeEach(() => {
    dataDir = makeDataDir('shutdown');
  });

  afterEach(async () => {
    await stopServer(server);
    removeDataDir(dataDir);
  });

  it('answers a pending long-poll, exits 0 and keeps every acknowledged write', async () => {
    // Prepare
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
    const { url } = server;
    await call(url, 'PUT', '/v1/topics/jobs', { partitions: 1 });
    await call(url, 'PUT', '/v1/topics/jobs/subscriptions/workers', {});
    const published = await call(url, 'POST', '/v1/topics/jobs/messages', { messages: [{ id: 'job-1', body: { n: 1 } }] });
    await call(url, 'PUT', '/v1/topics/jobs/subscriptions/idle', {}); // created after the publish: nothing to deliver
    const longPoll = call(url, 'POST', '/v1/topics/jobs/subscriptions/idle/pull', { waitSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Act
    server.child.kill('SIGTERM');
    const [poll, exitCode] = await Promise.all([longPoll, server.exited]);

    // Assess
    expect(published.status).toBe(200);
    expect(poll).toEqual({ status: 200, body: { messages: [] } });
    expect(exitCode).toBe(0);
    expect(server.output()).toContain('stopped cleanly');
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
    const pulled = await call(server.url, 'POST', '/v1/topics/jobs/subscriptions/workers/pull', { max: 10 });
    expect((pulled.body as { messages: Array<{ id: string }> }).messages.map((message) => message.id)).toEqual(['job-1']);
  });
});
