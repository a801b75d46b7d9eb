import { ApiClient, requireStatus, type ApiResponse } from '../contract/harness/ApiClient.js';
import { Conveyor } from '../contract/harness/Conveyor.js';
import { readPartition } from '../contract/harness/logFixtures.js';
import { startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';
import { within } from './processTree.js';
import { itRequiring } from './itRequiring.js';
import { mountTmpfs, resizeTmpfs, tmpfsUnavailable, unmountTmpfs } from './tmpfs.js';

const PAD = 'x'.repeat(100_000);
const PER_BATCH = 4;
const DISK_MB = 8;

/**
 * Publishes the next ids in batches of about 400 KB until one is refused, then
 * one message at a time until one of those is refused too, so no room is left
 * for a message. Bounded: a disk that never fills fails the spec.
 */
async function fillDisk(api: Conveyor, ids: { next: number }): Promise<{ acknowledged: string[]; refusals: ApiResponse[] }> {
  const acknowledged: string[] = [];
  const refusals: ApiResponse[] = [];
  for (let round = 0; round < 300; round += 1) {
    const batch = Array.from({ length: refusals.length === 0 ? PER_BATCH : 1 }, () => `m-${ids.next++}`);
    const response = await api.publish('jobs', batch.map((id) => ({ id, body: { id, pad: PAD } })));
    if (response.status === 200) {
      acknowledged.push(...batch);
      continue;
    }
    refusals.push(response);
    if (batch.length === 1) return { acknowledged, refusals };
  }
  throw new Error(`300 publishes of 100–400 KB did not fill the disk (${refusals.length} refused)`);
}

const refusedAsUnavailable = [
  { status: 503, body: { error: { code: 'Unavailable', message: expect.stringContaining('SQLITE_FULL') } } },
  { status: 503, body: { error: { code: 'Unavailable', message: expect.stringContaining('SQLITE_FULL') } } },
];

const statusAndBody = ({ status, body }: ApiResponse): { status: number; body: unknown } => ({ status, body });

/** The ids stored in the topic, and those whose body did not come back whole. */
async function storedIds(api: Conveyor): Promise<{ ids: string[]; damaged: string[] }> {
  const { messages } = await readPartition(api, 'jobs', 0);
  const damaged = messages.filter((message) => JSON.stringify(message.body) !== JSON.stringify({ id: message.id, pad: PAD }));
  return { ids: messages.map((message) => message.id), damaged: damaged.map((message) => message.id) };
}

describe('Embedded store: a full disk', () => {
  const itWithTmpfs = itRequiring(tmpfsUnavailable());
  let dataDir: string | undefined;
  let server: ServerProcess | undefined;

  async function start(): Promise<Conveyor> {
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir! });
    return new Conveyor(new ApiClient(server.url));
  }

  // Runs after a failed or timed-out spec too: nothing stays mounted.
  afterEach(async () => {
    await stopServer(server);
    server = undefined;
    if (dataDir !== undefined) unmountTmpfs(dataDir);
    dataDir = undefined;
  });

  itWithTmpfs('answers 503 Unavailable while the disk is full, and keeps every acknowledged message and nothing else', async () => {
    // Prepare
    dataDir = mountTmpfs('disk-full', DISK_MB);
    const api = await start();
    requireStatus('creating topic jobs', await api.createTopic('jobs', { partitions: 1 }), 201);

    // Act
    const { acknowledged, refusals } = await fillDisk(api, { next: 0 });

    // Assess
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refusals.map(statusAndBody)).toEqual(refusedAsUnavailable);
    expect(await storedIds(api)).toEqual({ ids: acknowledged, damaged: [] });
  }, 120_000);

  itWithTmpfs('takes publishes again without a restart once space is freed, and refuses them again when it fills up', async () => {
    // Prepare
    dataDir = mountTmpfs('disk-full', DISK_MB);
    const api = await start();
    requireStatus('creating topic jobs', await api.createTopic('jobs', { partitions: 1 }), 201);
    const ids = { next: 0 };
    const first = await fillDisk(api, ids);

    // Act
    resizeTmpfs(dataDir, 2 * DISK_MB);
    const single = `m-${ids.next++}`;
    const afterFreeing = await api.publish('jobs', [{ id: single, body: { id: single, pad: PAD } }]);
    const second = await fillDisk(api, ids);

    // Assess
    expect(first.refusals.map(statusAndBody)).toEqual(refusedAsUnavailable);
    expect(afterFreeing.status).toBe(200);
    expect(second.acknowledged.length).toBeGreaterThan(0);
    expect(second.refusals.map(statusAndBody)).toEqual(refusedAsUnavailable);
    expect(await storedIds(api)).toEqual({ ids: [...first.acknowledged, single, ...second.acknowledged], damaged: [] });
  }, 120_000);

  itWithTmpfs('stops cleanly on SIGTERM while the disk is full, and serves every acknowledged message after a restart', async () => {
    // Prepare
    dataDir = mountTmpfs('disk-full', DISK_MB);
    const api = await start();
    requireStatus('creating topic jobs', await api.createTopic('jobs', { partitions: 1 }), 201);
    const { acknowledged, refusals } = await fillDisk(api, { next: 0 });
    const stopped = server!;

    // Act
    stopped.child.kill('SIGTERM');
    const exitCode = await within(stopped.exited, 30_000);
    resizeTmpfs(dataDir, 8 * DISK_MB);
    const restarted = await start();

    // Assess
    expect(refusals.map(statusAndBody)).toEqual(refusedAsUnavailable);
    expect(exitCode).toBe(0);
    expect(stopped.output()).toContain('Conveyor stopped cleanly');
    expect(await storedIds(restarted)).toEqual({ ids: acknowledged, damaged: [] });
  }, 120_000);
});
