import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { motoPython } from '../../src/emulation/motoRequirement.js';
import { startPlainMoto, type PlainMoto } from '../helpers/plainMoto.js';
import { descendantsOf } from '../server/processTree.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

interface CliProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  output(): string;
  readonly exited: Promise<number | string>;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits or `timeoutMs` passes first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
}

/** Runs the compiled `conveyor` bin with `args` and `env`, collecting stdout and stderr together. */
function runCli(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let ended = false;
  void exited.then(() => (ended = true));
  const waitFor = async (pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> => {
    for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
      const match = pattern.exec(output);
      if (match !== null) return match;
      if (ended) throw new Error(`exited before printing ${pattern}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`did not print ${pattern} within ${timeoutMs} ms:\n${output}`);
    }
  };
  return { child, output: () => output, exited, waitFor };
}

async function stopCli(cli: CliProcess | undefined): Promise<void> {
  if (cli === undefined || cli.child.exitCode !== null || cli.child.signalCode !== null) return;
  cli.child.kill('SIGTERM');
  const timeout = sleep(10_000, undefined, { ref: false }).then(() => 'timeout' as const);
  if ((await Promise.race([cli.exited, timeout])) === 'timeout') cli.child.kill('SIGKILL');
}

/** Whether anything answers HTTP at `endpoint`. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

/** Waits until nothing answers at `endpoint` any more; false if something still does after `timeoutMs`. */
async function goesQuiet(endpoint: string, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(200)) if (!(await answers(endpoint))) return true;
  return false;
}

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
/** Starting moto takes a few seconds on an idle machine; the test machine is shared. */
const START_MS = 60_000;

describe('Command: conveyor emulator (child process)', () => {
  let cli: CliProcess | undefined;
  let scratch: string;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'conveyor-emulator-'));
  });

  afterEach(async () => {
    await stopCli(cli);
    cli = undefined;
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each([
    { case: 'SIGINT', signal: 'SIGINT' as const },
    { case: 'SIGTERM', signal: 'SIGTERM' as const },
  ])("serves moto with Conveyor's patches on the endpoint it prints, and stops it with exit code 0 on $case", async ({ signal }) => {
    // Prepare
    cli = runCli(['emulator', '--port', '0']);
    const [, endpoint] = await cli.waitFor(LISTENING, START_MS);
    const clock = await fetch(`${endpoint}/__conveyor/clock`);
    const moto = descendantsOf(cli.child.pid!);

    // Act
    cli.child.kill(signal);
    const code = await cli.exited;

    // Assess
    expect(clock.status).toBe(200);
    expect(await clock.json()).toEqual({ nowMs: expect.any(Number) });
    expect(cli.output()).toContain(`AWS_ENDPOINT_URL=${endpoint} npx conveyor serve --backend aws`);
    expect(moto).toHaveLength(1);
    expect(code).toBe(0);
    expect(cli.output()).toContain("Conveyor's emulator stopped");
    expect(await answers(endpoint!)).toBe(false);
  }, 2 * START_MS);

  it('takes moto down with it when it is killed outright', async () => {
    // Prepare
    cli = runCli(['emulator', '--port', '0']);
    const [, endpoint] = await cli.waitFor(LISTENING, START_MS);

    // Act
    cli.child.kill('SIGKILL');
    await cli.exited;

    // Assess: moto watches the process that started it
    expect(await goesQuiet(endpoint!, 10_000)).toBe(true);
  }, 2 * START_MS);

  it('exits with code 1 and says so when moto dies on its own', async () => {
    // Prepare
    cli = runCli(['emulator', '--port', '0']);
    await cli.waitFor(LISTENING, START_MS);
    const [moto] = descendantsOf(cli.child.pid!);

    // Act
    process.kill(moto!, 'SIGKILL');
    const code = await cli.exited;

    // Assess
    expect(code).toBe(1);
    expect(cli.output()).toContain("conveyor emulator: moto's server exited on its own (killed by a signal); start it again with npx conveyor emulator");
  }, 2 * START_MS);

  /** An interpreter that is Python 3 without site-packages (so without moto), with `path` (if any) on its module path. */
  function pythonWithout(path?: string): string {
    const file = join(scratch, 'python');
    writeFileSync(file, `#!/bin/sh\n${path === undefined ? '' : `PYTHONPATH=${path} `}exec ${motoPython()} -S "$@"\n`);
    chmodSync(file, 0o755);
    return file;
  }

  /** A module path holding nothing but the package metadata of moto 4.2.14. */
  function moto4(): string {
    const dir = join(scratch, 'site');
    mkdirSync(join(dir, 'moto-4.2.14.dist-info'), { recursive: true });
    writeFileSync(join(dir, 'moto-4.2.14.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: moto\nVersion: 4.2.14\n');
    return dir;
  }

  it.each<{ case: string; python: () => string; message: (python: string) => string }>([
    {
      case: 'no Python at CONVEYOR_PYTHON',
      python: () => join(scratch, 'no-such-python'),
      message: (python) => `conveyor emulator: ${python} was not found: Conveyor's emulator needs Python 3 with moto[server] 5.x (pip install 'moto[server]>=5,<6'); install Python 3, or set CONVEYOR_PYTHON to its interpreter`,
    },
    {
      case: 'a Python without moto',
      python: () => pythonWithout(),
      message: (python) => `conveyor emulator: moto is not installed for ${python}: Conveyor's emulator needs Python 3 with moto[server] 5.x (pip install 'moto[server]>=5,<6')`,
    },
    {
      case: 'a Python with moto 4',
      python: () => pythonWithout(moto4()),
      message: (python) => `conveyor emulator: moto 4.2.14 is installed for ${python}, but Conveyor's emulator needs 5.x: pip install 'moto[server]>=5,<6'`,
    },
  ])('refuses to start with exit code 2 and says what to install on $case', async ({ python, message }) => {
    // Prepare
    const interpreter = python();

    // Act
    cli = runCli(['emulator', '--port', '0'], { CONVEYOR_PYTHON: interpreter });
    const code = await cli.exited;

    // Assess
    expect(cli.output()).toContain(message(interpreter));
    expect(code).toBe(2);
  }, START_MS);

  it('refuses to start with exit code 2 when the port is taken', async () => {
    // Prepare
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;

    // Act
    cli = runCli(['emulator', '--port', String(port)]);
    const code = await cli.exited;
    await new Promise((resolve) => taken.close(resolve));

    // Assess
    expect(cli.output()).toContain(`conveyor emulator: port ${port} is already in use on 127.0.0.1: stop what listens there, or choose another port`);
    expect(code).toBe(2);
  }, START_MS);

  it.each([
    { case: 'a word', port: 'five' },
    { case: 'a port past 65535', port: '70000' },
  ])('refuses --port with $case with exit code 2', async ({ port }) => {
    // Act
    cli = runCli(['emulator', '--port', port]);
    const code = await cli.exited;

    // Assess
    expect(cli.output()).toContain(`--port must be an integer between 0 and 65535 (0: a free port), but "${port}" was provided`);
    expect(code).toBe(2);
  });
});

describe('Command: conveyor serve --backend aws, on an emulator already running (AWS_ENDPOINT_URL)', () => {
  let emulator: CliProcess | undefined;
  let server: CliProcess | undefined;
  let plain: PlainMoto | undefined;

  afterEach(async () => {
    await stopCli(server);
    await stopCli(emulator);
    await plain?.stop();
    server = emulator = plain = undefined;
  });

  it('warns at start that a plain moto server lacks the patches, and what to run instead', async () => {
    // Prepare
    plain = await startPlainMoto();

    // Act
    server = runCli(['serve', '--backend', 'aws'], { AWS_ENDPOINT_URL: plain.endpoint, PORT: '0' });
    const [warning] = await server.waitFor(/conveyor: warning: .*\n/, START_MS);

    // Assess
    expect(warning).toContain(`AWS_ENDPOINT_URL (${plain.endpoint}) is a plain moto server, without the patches of Conveyor's emulator.`);
    expect(warning).toContain('Run `npx conveyor emulator --port <port>`');
  }, 2 * START_MS);

  it('serves the API on `conveyor emulator` without a warning, fan-out included', async () => {
    // Prepare
    emulator = runCli(['emulator', '--port', '0']);
    const [, endpoint] = await emulator.waitFor(LISTENING, START_MS);
    server = runCli(['serve', '--backend', 'aws'], { AWS_ENDPOINT_URL: endpoint!, PORT: '0' });
    const [, url] = await server.waitFor(/Conveyor is listening on (http:\/\/\S+)/, 2 * START_MS);
    const json = { 'content-type': 'application/json' };
    await fetch(`${url}/v1/topics/orders`, { method: 'PUT', headers: json, body: '{"partitions":1}' });
    await fetch(`${url}/v1/topics/orders/subscriptions/billing`, { method: 'PUT', headers: json, body: '{}' });

    // Act
    await fetch(`${url}/v1/topics/orders/messages`, { method: 'POST', headers: json, body: '{"messages":[{"id":"order-1","body":{"total":42}}]}' });
    const pulled = await fetch(`${url}/v1/topics/orders/subscriptions/billing/pull`, { method: 'POST', headers: json, body: '{"max":1,"waitSeconds":20}' });

    // Assess
    expect(await pulled.json()).toMatchObject({ messages: [{ id: 'order-1', body: { total: 42 } }] });
    expect(server.output()).toContain(`AWS backend on the emulator at ${endpoint}`);
    expect(server.output()).not.toContain('warning: AWS_ENDPOINT_URL');
  }, 4 * START_MS);
});
