import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { CLI_SERVE, runUntilExit, startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';

/** `conveyor serve` is `npm start` from the installed package: the same settings, output and exit codes. */
describe('Command: conveyor serve (child process)', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeEach(() => {
    dataDir = makeDataDir('cli-serve');
  });

  afterEach(async () => {
    await stopServer(server);
    server = undefined;
    removeDataDir(dataDir);
  });

  it.each([
    { case: 'SIGTERM', signal: 'SIGTERM' as const },
    { case: 'SIGINT', signal: 'SIGINT' as const },
  ])('serves the API from DATA_DIR and stops cleanly with exit code 0 on $case', async ({ signal }) => {
    // Prepare
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir }, 15_000, CLI_SERVE);
    const created = await fetch(`${server.url}/v1/topics/orders`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"partitions":2}' });

    // Act
    server.child.kill(signal);
    const code = await server.exited;

    // Assess
    expect(created.status).toBe(201);
    expect(server.output()).toContain(`(data in ${dataDir})`);
    expect(server.output()).toContain('Conveyor stopped cleanly');
    expect(code).toBe(0);
  });

  it.each<{ case: string; env: Record<string, string>; args: string[]; message: string }>([
    { case: 'an unknown backend', env: {}, args: ['--backend', 'kafka'], message: 'conveyor: unknown backend "kafka"\nusage: conveyor serve [--backend sqlite|aws]' },
    { case: 'an unknown flag', env: {}, args: ['--port', '80'], message: "error: unknown option '--port'" },
    { case: 'a bad setting in the environment', env: { PORT: 'eighty' }, args: [], message: 'conveyor: environment.PORT must be a port number' },
    { case: 'a wildcard address without tokens', env: { HOST: '0.0.0.0' }, args: [], message: 'refusing to listen on 0.0.0.0 without authentication' },
  ])('refuses to start with exit code 2 on $case', async ({ env, args, message }) => {
    // Act
    const { code, output } = await runUntilExit({ PORT: '0', DATA_DIR: dataDir, ...env }, 10_000, [...CLI_SERVE, ...args]);

    // Assess
    expect(output).toContain(message);
    expect(code).toBe(2);
  });
});
