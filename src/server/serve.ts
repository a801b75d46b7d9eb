import type { Logger } from 'pino';
import { Gatekeeper } from '../access/Gatekeeper.js';
import { ConfigurationError } from '../domain/errors.js';
import { createApiHandler } from '../http/createApiHandler.js';
import { apiRoutes } from '../http/routes/index.js';
import { startEmbeddedBackend, startEmulatedAwsBackend, type RunningBackend } from './backends.js';
import type { ServerConfig } from './config.js';
import { ConsoleRoute } from './console/ConsoleRoute.js';
import { LocalServer } from './LocalServer.js';

/** The backends a local server runs on: the embedded store, or the AWS deployment on an emulator. */
export const BackendName = { Sqlite: 'sqlite', Aws: 'aws' } as const;
export type BackendName = (typeof BackendName)[keyof typeof BackendName];

export const isBackendName = (name: string): name is BackendName => Object.values<string>(BackendName).includes(name);

export interface ServeOptions {
  readonly config: ServerConfig;
  readonly backend: BackendName;
  readonly logger: Logger;
  /** Where the AWS backend reads AWS_ENDPOINT_URL, CONVEYOR_EMULATOR_PORT and credentials. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** A local server that listens. */
export interface Serving {
  /** `http://<host>:<port>`, with the port the system chose when the config asked for 0. */
  readonly url: string;
  /** Where the data lives, for the line the server prints. */
  readonly description: string;
  /** Refuses new connections, finishes in-flight requests, then closes the backend. */
  stop(): Promise<void>;
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Starts a backend and the local HTTP server in front of it: the handler Lambda
 * runs (functions/api.ts), built with this server's tokens, behind a gatekeeper
 * that identifies callers before it, with the web console's static files at
 * /console beside it. What `npm start`, `conveyor serve` and
 * `startConveyor` share. Throws ConfigurationError when the backend cannot
 * start or the address cannot be listened on; nothing is left running then.
 *
 * @example
 * const serving = await serve({ config: readConfig(), backend: 'sqlite', logger: createLogger() });
 * console.log(serving.url);
 * await serving.stop();
 */
export async function serve(options: ServeOptions): Promise<Serving> {
  const { config, logger } = options;
  let backend: RunningBackend;
  try {
    backend = options.backend === BackendName.Aws ? await startEmulatedAwsBackend(logger, options.env) : await startEmbeddedBackend(config, logger);
  } catch (error) {
    throw new ConfigurationError(`cannot start the ${options.backend} backend: ${reasonOf(error)}`);
  }
  const gatekeeper = new Gatekeeper({
    tokens: config.tokens,
    defaultRateLimit: config.rateLimit,
    maxLongPollsPerCaller: config.connections.maxLongPollsPerCaller,
  });
  const handler = createApiHandler({ routes: apiRoutes, services: async () => backend.services, logger, tokens: config.tokens });
  const server = new LocalServer({ handler, services: backend.services, logger, gatekeeper, connections: config.connections, console: ConsoleRoute.fromPackage() });
  let url: string;
  try {
    url = await server.listen(config.port, config.host);
  } catch (error) {
    await backend.close();
    const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${config.port} is already in use; choose another (PORT), or 0 for a free one` : String(error);
    throw new ConfigurationError(`cannot listen on ${config.host}:${config.port}: ${reason}`);
  }
  logger.info({ url, backend: options.backend, auth: config.tokens.enabled, rateLimit: config.rateLimit ?? null, synchronous: config.synchronous }, 'conveyor listening');
  return {
    url,
    description: backend.description,
    stop: async () => {
      await server.stop();
      await backend.close();
    },
  };
}
