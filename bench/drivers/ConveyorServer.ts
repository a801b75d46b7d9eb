import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVER_HEAP_FLAGS } from '../../src/server/heapTuning.js';

const START_TIMEOUT_MS = 20_000;

export interface ConveyorServerOptions {
  /** CONVEYOR_SYNC: FULL or GROUP (or NORMAL). */
  readonly sync: string;
  /** The compiled server; defaults to dist/src/server/main.js under the working directory. */
  readonly main?: string;
  /** Extra node flags for the server process, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
}

/**
 * Conveyor exactly as users run it (`npm start`: `node --max-semi-space-size=8
 * --v8-pool-size=1 dist/src/server/main.js`, SERVER_HEAP_FLAGS.startup), in its own process,
 * with its data in a fresh temporary directory and a free loopback port.
 *
 * @example
 * const server = await ConveyorServer.start({ sync: 'FULL' });
 * server.url; // http://127.0.0.1:41234
 * await server.stop();
 */
export class ConveyorServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly dataDir: string,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: ConveyorServerOptions): Promise<ConveyorServer> {
    const main = options.main ?? resolve('dist/src/server/main.js');
    if (!existsSync(main)) throw new Error(`${main} does not exist: run npm run build first`);
    const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-bench-'));
    const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', CONVEYOR_SYNC: options.sync, LOG_LEVEL: 'warn', AUTH_TOKENS: '' };
    const child = spawn(process.execPath, [...SERVER_HEAP_FLAGS.startup, ...(options.nodeArgs ?? []), main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error(`Conveyor did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match === null) return;
          clearTimeout(timer);
          resolveUrl(match[1]!);
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`Conveyor exited (${code}) before listening:\n${output}`));
        });
      });
      // Keep draining its output so a chatty server never blocks on a full pipe.
      child.stdout?.removeAllListeners('data').resume();
      child.stderr?.removeAllListeners('data').resume();
      return new ConveyorServer(child, url, dataDir);
    } catch (error) {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** SIGTERM (graceful), SIGKILL after 5 s; then removes the data directory. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
