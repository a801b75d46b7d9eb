import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The built `conveyor` program, as the package's bin runs it. */
const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** What a finished `conveyor` run left. */
export interface CliRun {
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as NDJSON records. */
  readonly records: unknown[];
}

/** A `conveyor` process still running (tail --follow, stats --watch). */
export interface RunningCli {
  readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern`; rejects when the process ends first or `timeoutMs` passes. */
  /** Resolves once `stream` (stdout unless named) has printed `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number, stream?: 'stdout' | 'stderr'): Promise<void>;
  /** Sends `signal` and resolves with the run. */
  stop(signal?: NodeJS.Signals): Promise<CliRun>;
  readonly finished: Promise<CliRun>;
}

export interface CliOptions {
  /** Environment on top of this process's (CONVEYOR_URL, CONVEYOR_TOKEN). */
  readonly env?: Record<string, string>;
  /** Written to stdin, which is then closed; without it stdin is empty. */
  readonly stdin?: string;
}

function recordsOf(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return line;
      }
    });
}

/**
 * Starts `conveyor <args>` (the built CLI) with stdout and stderr kept apart.
 * stdout is a pipe, so commands print NDJSON unless given `--no-json`.
 *
 * @example
 * const tail = startCli(['tail', 'orders', '--follow'], { env });
 * await tail.waitFor(/"offset":0/);
 * const run = await tail.stop('SIGINT');
 */
export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.stdin ?? '');
  const finished = new Promise<CliRun>((resolve) =>
    child.once('close', (code, signal) => resolve({ code: code ?? signal ?? -1, stdout, stderr, records: recordsOf(stdout) })),
  );
  let ended = false;
  void finished.then(() => (ended = true));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    finished,
    async waitFor(pattern, timeoutMs = 15_000, stream: 'stdout' | 'stderr' = 'stdout') {
      for (const deadline = Date.now() + timeoutMs; !pattern.test(stream === 'stdout' ? stdout : stderr); await sleep(50)) {
        if (ended) throw new Error(`conveyor ${args.join(' ')} ended before printing ${pattern}:\n${stdout}\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`conveyor ${args.join(' ')} did not print ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`);
      }
    },
    async stop(signal = 'SIGINT') {
      if (!ended) child.kill(signal);
      return finished;
    },
  };
}

/**
 * Runs `conveyor <args>` to the end (killed after `timeoutMs`).
 *
 * @example
 * const { code, records } = await runCli(['topics', 'list'], { env });
 */
export async function runCli(args: readonly string[], options: CliOptions = {}, timeoutMs = 30_000): Promise<CliRun> {
  const cli = startCli(args, options);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs);
  try {
    return await cli.finished;
  } finally {
    clearTimeout(timer);
  }
}
