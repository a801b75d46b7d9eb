import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerProcess } from './serverProcess.js';

const MAIN = fileURLToPath(new URL('../../dist/src/server/main.js', import.meta.url));

/** A fresh, empty DATA_DIR; remove it with `removeDataDir`. */
export function makeDataDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `conveyor-${prefix}-`));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The printed URL, with a wildcard host replaced by loopback (tests only ever talk to loopback). */
export function loopbackUrl(url: string): string {
  return url.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://127.0.0.1:');
}

function exitOrTimeout(server: ServerProcess, ms: number): Promise<number | string | 'timeout'> {
  return Promise.race([server.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref())]);
}

/** Kills the process at once, as a power cut would, and waits until it is gone. */
export async function killHard(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGKILL');
  await server.exited;
}

/** Asks the process to stop (SIGTERM); kills it if it is still running after `graceMs`. */
export async function stopServer(server: ServerProcess | undefined, graceMs = 5000): Promise<void> {
  if (server === undefined || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  if ((await exitOrTimeout(server, graceMs)) === 'timeout') await killHard(server);
}

/**
 * Runs the compiled server with `env` for a process that is expected to refuse to
 * start: resolves with its exit code (or signal) and everything it wrote. A process
 * that is still running after `timeoutMs` is killed and reported as 'timeout'.
 */
export function runUntilExit(env: Record<string, string>, timeoutMs = 10_000): Promise<{ code: number | string; output: string }> {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: 'timeout', output });
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, output });
    });
  });
}
