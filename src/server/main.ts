import { parseArgs } from 'node:util';
import { Gatekeeper } from '../access/Gatekeeper.js';
import { createApiHandler } from '../http/createApiHandler.js';
import { apiRoutes } from '../http/routes/index.js';
import { ConveyorError } from '../domain/errors.js';
import { createLogger } from '../observability/logger.js';
import { startEmbeddedBackend, startEmulatedAwsBackend, type RunningBackend } from './backends.js';
import { readConfig } from './config.js';
import { LocalServer } from './LocalServer.js';
import { watchParent } from './watchParent.js';

const USAGE = 'usage: npm start [-- --backend sqlite|aws]';

function fail(message: string): never {
  process.stderr.write(`conveyor: ${message}\n`);
  process.exit(2);
}

/** `npm start`: the broker on its embedded default (or `--backend aws` on an emulator), behind the local HTTP server. */
async function main(): Promise<void> {
  const parent = process.ppid;
  const logger = createLogger();
  let backendName: string;
  let stopWithParent: boolean;
  let config;
  try {
    // `npm start` adds --stop-with-parent; run by hand (under nohup, say), the server outlives its shell as asked.
    const { values } = parseArgs({ options: { backend: { type: 'string', default: 'sqlite' }, 'stop-with-parent': { type: 'boolean', default: false } } });
    backendName = values.backend ?? 'sqlite';
    stopWithParent = values['stop-with-parent'] ?? false;
    config = readConfig();
  } catch (error) {
    fail(error instanceof ConveyorError || error instanceof Error ? `${error.message}\n${USAGE}` : String(error));
  }
  if (backendName !== 'sqlite' && backendName !== 'aws') fail(`unknown backend ${JSON.stringify(backendName)}\n${USAGE}`);

  let backend: RunningBackend;
  try {
    backend = backendName === 'aws' ? await startEmulatedAwsBackend(logger) : await startEmbeddedBackend(config, logger);
  } catch (error) {
    fail(`cannot start the ${backendName} backend: ${error instanceof Error ? error.message : String(error)}`);
  }
  const gatekeeper = new Gatekeeper({
    tokens: config.tokens,
    defaultRateLimit: config.rateLimit,
    maxLongPollsPerCaller: config.connections.maxLongPollsPerCaller,
  });
  // The handler Lambda runs (functions/api.ts), with this server's tokens: the gatekeeper identifies callers before it.
  const handler = createApiHandler({ routes: apiRoutes, services: async () => backend.services, logger, tokens: config.tokens });
  const server = new LocalServer({ handler, services: backend.services, logger, gatekeeper, connections: config.connections });
  let url: string;
  try {
    url = await server.listen(config.port, config.host);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${config.port} is already in use (set PORT)` : String(error);
    await backend.close();
    fail(`cannot listen on ${config.host}:${config.port}: ${reason}`);
  }
  logger.info({ url, backend: backendName, auth: config.tokens.enabled, rateLimit: config.rateLimit ?? null, synchronous: config.synchronous }, 'conveyor listening');
  process.stdout.write(`Conveyor is listening on ${url} (${backend.description})\n`);

  let stopping = false;
  const stop = async (reason: string): Promise<void> => {
    // A second signal (Ctrl-C reaches npm and the server, and npm passes its own on) joins the stop under way.
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down: finishing in-flight requests and commits');
    try {
      await server.stop();
      await backend.close();
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
  if (stopWithParent) watchParent(() => void stop('parent process exited'), parent);
}

void main();
