import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The launcher that runs moto's server with a clock tests can move: emulator/moto_clock_server.py of this checkout (from src/ or dist/src/). */
function motoLauncher(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'emulator', 'moto_clock_server.py');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('emulator/moto_clock_server.py not found above this module');
}

export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on right now. */
async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * Starts moto's server (Python package `moto[server]` 5.x) on loopback — on
 * `port`, or on a free one when none is given — and waits until it answers.
 * `python` defaults to CONVEYOR_PYTHON, then python3.
 *
 * @example
 * const moto = await startMotoServer(4566);
 * await moto.stop();
 */
export async function startMotoServer(requestedPort?: number, python = process.env['CONVEYOR_PYTHON'] ?? 'python3', timeoutMs = 30_000): Promise<MotoServer> {
  const port = requestedPort ?? (await freeLoopbackPort());
  const child: ChildProcess = spawn(python, [motoLauncher(), '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(3000).then(() => child.kill('SIGKILL'))]);
  };
  for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`moto's server exited with ${child.exitCode} (is moto[server] 5.x installed for ${python}? pip install 'moto[server]>=5,<6'):\n${stderr}`);
    try {
      if ((await fetch(`${endpoint}/__conveyor/clock`)).ok) return { endpoint, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto's server did not answer on ${endpoint} within ${timeoutMs} ms:\n${stderr}`);
    }
  }
}

/** The emulator's clock, as the tests' clock keeps it: now = (frozenAtMs ?? real now) + offsetMs. */
export interface EmulatorClockState {
  readonly offsetMs: number;
  readonly frozenAtMs: number | null;
}

/** Moves the clock of a moto server started with emulator/moto_clock_server.py. */
export async function setEmulatorClock(endpoint: string, clock: EmulatorClockState): Promise<void> {
  const response = await fetch(`${endpoint}/__conveyor/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(clock) });
  if (!response.ok) throw new Error(`the emulator's clock answered ${response.status}`);
}
