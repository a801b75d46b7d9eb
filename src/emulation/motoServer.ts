import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { inspectMoto, motoPython } from './motoRequirement.js';

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
  /** Settles when the server's process ends, with its exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
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

/** Throws when something listens on the loopback port already (moto would exit, and whatever answers there be taken for it). */
async function claimablePort(port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `port ${port} is already in use on 127.0.0.1: stop what listens there, or choose another port` : `cannot listen on 127.0.0.1:${port}: ${error.message}`)),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
  return port;
}

/**
 * Starts moto's server (Python package `moto[server]` 5.x) through Conveyor's
 * launcher on loopback — on `port`, or on a free one when none (or 0) is
 * given — and waits until it answers. `python` defaults to CONVEYOR_PYTHON,
 * then python3. When it cannot start, the error says why: the port is taken,
 * Python or moto is missing (inspectMoto), or what moto printed.
 *
 * The server runs in a process group of its own, so a Ctrl-C in the terminal
 * reaches only this process, which stops it with `stop()` once its own work
 * is done; and it exits by itself if this process dies without stopping it.
 *
 * @example
 * const moto = await startMotoServer(4566);
 * await moto.stop();
 */
export async function startMotoServer(requestedPort?: number, python = motoPython(), timeoutMs = 30_000): Promise<MotoServer> {
  const port = requestedPort === undefined || requestedPort === 0 ? await freeLoopbackPort() : await claimablePort(requestedPort);
  const child: ChildProcess = spawn(python, [motoLauncher(), '--host', '127.0.0.1', '--port', String(port), '--parent-pid', String(process.pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let spawnError: Error | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      spawnError = error;
      resolve(null);
    });
    child.once('exit', (code) => resolve(code));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const running = (): boolean => spawnError === undefined && child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (!running()) return;
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(3000, undefined, { ref: false }).then(() => child.kill('SIGKILL'))]);
  };
  const failure = async (what: string): Promise<Error> => {
    const found = await inspectMoto(python);
    return new Error('problem' in found ? found.problem : `${what}${stderr === '' ? '' : `:\n${stderr}`}`);
  };
  for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
    if (!running()) throw await failure(`moto's server exited with ${child.exitCode ?? child.signalCode ?? spawnError?.message}`);
    try {
      if ((await fetch(`${endpoint}/__conveyor/clock`)).ok) return { endpoint, exited, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw await failure(`moto's server did not answer on ${endpoint} within ${timeoutMs} ms`);
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
