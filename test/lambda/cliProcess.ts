import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The built `conveyor` program, as the package's bin runs it. */
export const CONVEYOR_CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** A `conveyor` process the spec started. */
export interface CliProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal name) when it ends. */
  readonly exited: Promise<number | string>;
}

/**
 * Runs `conveyor <args>` (the built CLI) with `env` added to this process's
 * environment; stdout is drained, stderr kept.
 *
 * @example
 * const consumer = runCli(['consume', 'orders', 'billing', '--handler', file, '--url', url]);
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [CONVEYOR_CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, stderr: () => stderr, exited };
}

/** Kills the process if it still runs, and waits for it. */
export async function killCli(cli: CliProcess | undefined): Promise<void> {
  if (cli === undefined || cli.child.exitCode !== null || cli.child.signalCode !== null) return;
  cli.child.kill('SIGKILL');
  await cli.exited;
}
