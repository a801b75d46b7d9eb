import { ApiClient, requireStatus } from '../contract/harness/ApiClient.js';
import { Conveyor } from '../contract/harness/Conveyor.js';
import { publishOk, readPartition } from '../contract/harness/logFixtures.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';
import { startNpm } from './npmStart.js';
import { isAlive, killLeftovers, processTreeUnavailable, within } from './processTree.js';
import { itRequiring } from './itRequiring.js';

// npm passes SIGINT and SIGTERM on to the script it runs, and a script runs under `sh -c`. Without `exec`
// the shell took the signal: on SIGTERM it died and the server ran on, re-parented and never stopped; on
// SIGINT it went on waiting for a server that never heard of it, and nothing stopped.
describe('npm start: the process a supervisor holds', () => {
  const seen = new Set<number>();
  const dataDirs: string[] = [];
  const itWithProcessTree = itRequiring(processTreeUnavailable());
  let restarted: ServerProcess | undefined;

  afterEach(async () => {
    await stopServer(restarted);
    restarted = undefined;
  });

  afterAll(() => {
    killLeftovers(seen);
    for (const dir of dataDirs) removeDataDir(dir);
  });

  itWithProcessTree.each([{ case: 'SIGTERM' as const }, { case: 'SIGINT' as const }])(
    'stops the server cleanly, exits 0 and leaves no process behind on $case sent to the npm PID',
    async ({ case: signal }) => {
      // Prepare
      const dataDir = makeDataDir('npm-start');
      dataDirs.push(dataDir);
      const started = await startNpm({ PORT: '0', DATA_DIR: dataDir }, seen);
      const api = new Conveyor(new ApiClient(started.url));
      requireStatus('creating topic jobs', await api.createTopic('jobs', { partitions: 1 }), 201);
      await publishOk(api, 'jobs', [{ id: 'job-1', body: { n: 1 } }]);

      // Act
      started.npm.kill(signal);
      const [npmExit, closed] = await Promise.all([within(started.npmExited, 30_000), within(started.outputClosed, 30_000)]);

      // Assess
      expect(npmExit).toBe(0);
      expect(closed).not.toBe('timeout');
      expect(started.output()).toContain('Conveyor stopped cleanly');
      expect(started.descendants.filter(isAlive)).toEqual([]);
      restarted = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
      const again = new Conveyor(new ApiClient(restarted.url));
      expect((await readPartition(again, 'jobs', 0)).messages.map((message) => message.id)).toEqual(['job-1']);
    },
    240_000,
  );

  itWithProcessTree('stops the server cleanly when npm itself dies without passing a signal on (SIGKILL)', async () => {
    // Prepare
    const dataDir = makeDataDir('npm-start');
    dataDirs.push(dataDir);
    const started = await startNpm({ PORT: '0', DATA_DIR: dataDir }, seen);

    // Act
    started.npm.kill('SIGKILL');
    const closed = await within(started.outputClosed, 30_000);

    // Assess
    expect(await started.npmExited).toBe('SIGKILL');
    expect(closed).not.toBe('timeout');
    expect(started.output()).toContain('Conveyor stopped cleanly');
    expect(started.descendants.filter(isAlive)).toEqual([]);
  }, 180_000);
});
