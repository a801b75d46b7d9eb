import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient, requireStatus } from '../contract/harness/ApiClient.js';
import { Conveyor } from '../contract/harness/Conveyor.js';
import { addSubscription, pull } from '../contract/harness/queueFixtures.js';
import { publishOk } from '../contract/harness/logFixtures.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';

/**
 * Starts a long-poll pull with `Expect: 100-continue`. The server answers
 * "100 Continue" only once it took the request in, so `accepted` resolves when
 * the pull is surely in flight there, however slow the machine: a stop that
 * comes after that must answer it, not refuse it.
 */
function longPoll(url: string, path: string, body: unknown): { accepted: Promise<void>; answer: Promise<{ status: number; body: unknown }> } {
  let onAccepted: () => void = () => undefined;
  const accepted = new Promise<void>((resolve) => (onAccepted = resolve));
  const answer = new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const pending = request(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), expect: '100-continue' },
    });
    pending.on('continue', () => pending.end(payload, onAccepted));
    pending.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    pending.on('error', reject);
    pending.flushHeaders();
  });
  return { accepted, answer };
}

describe('The server process: stopping on a signal', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeEach(() => {
    dataDir = makeDataDir('shutdown');
  });

  afterEach(async () => {
    await stopServer(server);
    removeDataDir(dataDir);
  });

  it.each([
    { case: 'SIGTERM', signals: ['SIGTERM'] as const },
    { case: 'SIGINT', signals: ['SIGINT'] as const },
    // Ctrl-C reaches npm and the server alike, and npm passes its own on: the second joins the stop under way.
    { case: 'SIGINT twice', signals: ['SIGINT', 'SIGINT'] as const },
    { case: 'SIGTERM twice', signals: ['SIGTERM', 'SIGTERM'] as const },
  ])('answers a pending long-poll, exits 0 and keeps every acknowledged write on $case', async ({ signals }) => {
    // Prepare
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
    const api = new Conveyor(new ApiClient(server.url));
    requireStatus('creating topic jobs', await api.createTopic('jobs', { partitions: 1 }), 201);
    await addSubscription(api, { topic: 'jobs', subscription: 'workers' });
    const [published] = await publishOk(api, 'jobs', [{ id: 'job-1', body: { n: 1 } }]);
    await addSubscription(api, { topic: 'jobs', subscription: 'idle' }); // created after the publish: nothing to deliver
    const poll = longPoll(server.url, '/v1/topics/jobs/subscriptions/idle/pull', { waitSeconds: 20 });
    await poll.accepted;
    await sleep(200); // usually enough for the pull to reach its wait; it is answered either way

    // Act
    for (const signal of signals) {
      server.child.kill(signal);
      await sleep(10); // apart, so the kernel delivers each rather than merging them into one
    }
    const [answer, exitCode] = await Promise.all([poll.answer, server.exited]);

    // Assess
    expect(published).toEqual({ id: 'job-1', partition: 0, offset: 0, duplicate: false });
    expect(answer).toEqual({ status: 200, body: { messages: [] } });
    expect(exitCode).toBe(0);
    expect(server.output()).toContain('Conveyor stopped cleanly');
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
    const restarted = new Conveyor(new ApiClient(server.url));
    expect((await pull(restarted, { topic: 'jobs', subscription: 'workers' }, { max: 10 })).map((message) => message.id)).toEqual(['job-1']);
  });
});
