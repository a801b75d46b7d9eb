import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/src/server/main.js', import.meta.url));
/** `conveyor serve`, as the installed package's bin runs it: pass as `args`. */
export const CLI_SERVE = [fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url)), 'serve'] as const;

type ServerChild = ChildProcessByStdio<null, Readable, Readable>;

export interface ServerProcess {
  readonly child: ServerChild;
  readonly url: string;
  /** Everything the process wrote so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

/** Runs the compiled server (as `npm start` runs it, or `args`) with `env`, collecting everything it writes. */
function spawnServer(env: Record<string, string>, args: readonly string[] = [MAIN]): { child: ServerChild; output: () => string; exited: Promise<number | string> } {
  const child = spawn(process.execPath, args, { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => output, exited };
}

/**
 * Starts the compiled server in a child process and waits until it prints its
 * URL. Rejects with the output if it exits first or does not start in time.
 */
export function startServerProcess(env: Record<string, string>, timeoutMs = 15_000, args?: readonly string[]): Promise<ServerProcess> {
  const { child, output, exited } = spawnServer(env, args);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = /listening on (http:\/\/\S+)/.exec(output());
      if (match === null) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      resolve({ child, url: match[1]!, output, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${output()}`));
    });
  });
}

/**
 * Runs the compiled server for a process that is expected to refuse to start:
 * resolves with its exit code (or signal) and everything it wrote. A process
 * that is still running after `timeoutMs` is killed and reported as 'timeout'.
 */
export async function runUntilExit(env: Record<string, string>, timeoutMs = 10_000, args?: readonly string[]): Promise<{ code: number | string; output: string }> {
  const { child, output, exited } = spawnServer(env, args);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, timeoutMs);
  });
  const code = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  return { code, output: output() };
}

/** The printed URL, with a wildcard host replaced by loopback (tests only ever talk to loopback). */
export function loopbackUrl(url: string): string {
  return url.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://127.0.0.1:');
}

function isRunning(server: ServerProcess): boolean {
  return server.child.exitCode === null && server.child.signalCode === null;
}

/** Kills the process at once, as a power cut would, and waits until it is gone. */
export async function killHard(server: ServerProcess): Promise<void> {
  if (!isRunning(server)) return;
  server.child.kill('SIGKILL');
  await server.exited;
}

/** Asks the process to stop (SIGTERM); kills it if it is still running after `graceMs`. */
export async function stopServer(server: ServerProcess | undefined, graceMs = 5000): Promise<void> {
  if (server === undefined || !isRunning(server)) return;
  server.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([server.exited, timeout])) === 'timeout') await killHard(server);
}
