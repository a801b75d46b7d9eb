import { createLogger } from '../observability/logger.js';
import { readConfig, type ServerConfig } from './config.js';
import { tuneServerHeap } from './heapTuning.js';
import { isBackendName, serve, type Serving } from './serve.js';
import { watchParent } from './watchParent.js';

export interface RunServerOptions {
  /** `sqlite` or `aws`, as given on the command line: anything else stops the process with exit code 2. */
  readonly backend: string;
  /** Stop cleanly when the parent process exits (`npm start` passes `--stop-with-parent`). */
  readonly stopWithParent: boolean;
  /** The parent to watch, read first thing when the process started. */
  readonly parent: number;
  /** The usage line printed under a configuration error. */
  readonly usage: string;
}

/** Prints `conveyor: <message>` and exits with 2, the code of every refusal to start. */
export function failToStart(message: string): never {
  process.stderr.write(`conveyor: ${message}\n`);
  process.exit(2);
}

/**
 * The server as a process (`npm start`, `conveyor serve`): settings from the
 * environment, a bad one refused with exit code 2; the line with the URL on
 * stdout once it listens; SIGINT and SIGTERM (and, when asked, the parent's
 * exit) finish in-flight requests and commits, then exit 0, or 1 when the
 * shutdown fails.
 *
 * @example
 * const parent = process.ppid; // first thing
 * await runServer({ backend: 'sqlite', stopWithParent: false, parent, usage: 'usage: conveyor serve [--backend sqlite|aws]' });
 */
export async function runServer(options: RunServerOptions): Promise<void> {
  tuneServerHeap();
  const logger = createLogger();
  let config: ServerConfig;
  try {
    config = readConfig();
  } catch (error) {
    failToStart(`${error instanceof Error ? error.message : String(error)}\n${options.usage}`);
  }
  const backend = options.backend;
  if (!isBackendName(backend)) failToStart(`unknown backend ${JSON.stringify(backend)}\n${options.usage}`);

  let serving: Serving;
  try {
    serving = await serve({ config, backend, logger });
  } catch (error) {
    failToStart(error instanceof Error ? error.message : String(error));
  }
  process.stdout.write(`Conveyor is listening on ${serving.url} (${serving.description})\n`);

  let stopping = false;
  const stop = async (reason: string): Promise<void> => {
    // A second signal (Ctrl-C reaches npm and the server, and npm passes its own on) joins the stop under way.
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down: finishing in-flight requests and commits');
    try {
      await serving.stop();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.stderr.write(`conveyor: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
    logger.info('stopped cleanly');
    process.stdout.write('Conveyor stopped cleanly\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (options.stopWithParent) watchParent(() => void stop('parent process exited'), options.parent);
}
