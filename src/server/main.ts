import { handler } from '../../functions/api.js';
import { ConveyorError } from '../domain/errors.js';
import { createLogger } from '../observability/logger.js';
import { createEmbeddedServices } from '../runtime/createEmbeddedServices.js';
import { readConfig } from './config.js';
import { LocalServer } from './LocalServer.js';

/** `npm start`: the broker on its embedded default, behind the local HTTP server. */
async function main(): Promise<void> {
  const logger = createLogger();
  let config;
  try {
    config = readConfig();
  } catch (error) {
    process.stderr.write(`conveyor: ${error instanceof ConveyorError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const services = createEmbeddedServices({ dataDir: config.dataDir, logger, synchronous: config.synchronous });
  const server = new LocalServer({ handler, services, logger });
  let url: string;
  try {
    url = await server.listen(config.port, config.host);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${config.port} is already in use (set PORT)` : String(error);
    process.stderr.write(`conveyor: cannot listen on ${config.host}:${config.port}: ${reason}\n`);
    await services.close();
    process.exit(2);
  }
  const backend = services.broker.backend.name;
  logger.info({ url, backend, dataDir: config.dataDir, auth: config.authTokens.length > 0, synchronous: config.synchronous }, 'conveyor listening');
  process.stdout.write(`Conveyor is listening on ${url} (data in ${config.dataDir})\n`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests and commits');
    await server.stop();
    await services.close();
    logger.info('stopped cleanly');
    process.stdout.write('Conveyor stopped cleanly\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
