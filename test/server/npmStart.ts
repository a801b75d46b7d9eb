import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { descendantsOf, killLeftovers } from './processTree.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface NpmStart {
  /** The npm process: its PID is the one a supervisor or `kill $!` holds. */
  readonly npm: ChildProcessByStdio<null, Readable, Readable>;
  readonly url: string;
  /** Every process npm had started (the server among them), read once the server listened. */
  readonly descendants: readonly number[];
  /** Everything npm and the server wrote so far. */
  output(): string;
  /** npm's exit code, or the signal that ended it. */
  readonly npmExited: Promise<number | string>;
  /** Every process that holds npm's output pipes (npm, and the server it leaves behind) has ended. */
  readonly outputClosed: Promise<void>;
}

/**
 * Runs `npm start` in the project as a user would (the prestart build included),
 * and waits until the server prints its URL. Every PID it sees goes into `seen`,
 * for killLeftovers in afterAll. Rejects with the output if npm exits first or
 * the server does not listen within `timeoutMs`.
 */
export async function startNpm(env: Record<string, string>, seen: Set<number>, timeoutMs = 120_000): Promise<NpmStart> {
  const npm = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (npm.pid !== undefined) seen.add(npm.pid);
  let text = '';
  const collect = (chunk: Buffer): void => {
    text += chunk.toString();
  };
  npm.stdout.on('data', collect);
  npm.stderr.on('data', collect);
  const npmExited = new Promise<number | string>((resolve) => npm.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const outputClosed = new Promise<void>((resolve) => npm.once('close', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(text);
    if (match !== null) {
      const descendants = descendantsOf(npm.pid!);
      for (const pid of descendants) seen.add(pid);
      return { npm, url: match[1]!, descendants, output: () => text, npmExited, outputClosed };
    }
    if (npm.exitCode !== null || npm.signalCode !== null || Date.now() > deadline) {
      killLeftovers([...descendantsOf(npm.pid!), npm.pid!]);
      throw new Error(`npm start did not listen within ${timeoutMs} ms (npm ${npm.exitCode ?? npm.signalCode ?? 'running'}):\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
