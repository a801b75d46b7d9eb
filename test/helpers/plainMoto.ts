import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { motoPython } from '../../src/emulation/motoRequirement.js';

/** A moto server as users run it (`moto_server`), without Conveyor's launcher and its patches. */
export interface PlainMoto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
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
 * Starts moto's own server (`python3 -m moto.server`, what the `moto_server`
 * script runs) on a free loopback port and waits until it answers.
 *
 * @example
 * const moto = await startPlainMoto();
 * await moto.stop();
 */
export async function startPlainMoto(timeoutMs = 60_000): Promise<PlainMoto> {
  const port = await freePort();
  const child = spawn(motoPython(), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(3000, undefined, { ref: false }).then(() => child.kill('SIGKILL'))]);
  };
  for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`moto's server exited with ${child.exitCode}:\n${stderr}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/config`)).ok) return { endpoint, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto's server did not answer on ${endpoint} within ${timeoutMs} ms:\n${stderr}`);
    }
  }
}
