import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ResponseLimits } from '../domain/constants.js';
import { intIn } from '../http/schemas/fields.js';
import { parse } from '../http/validate.js';
import { createLogger } from '../observability/logger.js';
import { serverConfig } from './config.js';
import { CONNECTION_DEFAULTS } from './connectionLimits.js';
import { BackendName, serve, type Serving } from './serve.js';

/** How commits reach the disk; see CONVEYOR_SYNC in the README. */
export type SynchronousMode = 'FULL' | 'GROUP' | 'NORMAL';

/** pino's levels. */
export type ConveyorLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface StartConveyorOptions {
  /**
   * Port to listen on; 0 lets the system pick a free one, which `url` then holds.
   *
   * @default 0
   */
  readonly port?: number;
  /**
   * Address to listen on. Without `tokens` or `tokenFile`, only loopback.
   *
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * Folder of the embedded store. A given folder is kept on `stop()`, so a later
   * broker finds its data there.
   *
   * @default - a new temporary folder, removed on `stop()`: every broker starts empty
   */
  readonly dataDir?: string;
  /**
   * Bearer tokens, each an admin (as AUTH_TOKENS). With any token, every request
   * but `/healthz` needs `Authorization: Bearer <token>`.
   *
   * @default - none
   */
  readonly tokens?: readonly string[];
  /**
   * A JSON file of named tokens with grants and rate limits (as AUTH_TOKENS_FILE).
   *
   * @default - none
   */
  readonly tokenFile?: string;
  /**
   * How commits reach the disk (as CONVEYOR_SYNC). `NORMAL` skips the fsync,
   * which test suites rarely need.
   *
   * @default 'FULL'
   */
  readonly synchronous?: SynchronousMode;
  /**
   * Most bytes of messages one log read, pull or dead-letter listing returns (as
   * CONVEYOR_RESPONSE_BYTES), 512 KiB to 64 MiB.
   *
   * @default 4194304 (4 MiB)
   */
  readonly responseBytes?: number;
  /**
   * Level of the broker's JSON logs on stdout.
   *
   * @default 'warn'
   */
  readonly logLevel?: ConveyorLogLevel;
}

/** A broker started by `startConveyor`. */
export interface StartedConveyor {
  /** `http://127.0.0.1:<port>`: the API's base URL. */
  readonly url: string;
  /** Where the embedded store keeps its data. */
  readonly dataDir: string;
  /**
   * Finishes in-flight requests and commits, closes the store and frees the
   * port; removes the data folder when `startConveyor` made it. Calling it again
   * waits for the same stop.
   */
  stop(): Promise<void>;
}

const SYNCHRONOUS_MODES = ['FULL', 'GROUP', 'NORMAL'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionsSchema = z.strictObject({
  port: intIn({ min: 0, max: 65535 }).default(0),
  host: z.string({ error: 'must be a host name or address' }).min(1, { error: 'must not be empty' }).default('127.0.0.1'),
  dataDir: z.string({ error: 'must be a folder path' }).min(1, { error: 'must not be empty' }).optional(),
  tokens: z.array(z.string({ error: 'must be strings' }), { error: 'must be an array of strings' }).default([]),
  tokenFile: z.string({ error: 'must be a file path' }).min(1, { error: 'must not be empty' }).optional(),
  synchronous: z.enum(SYNCHRONOUS_MODES, { error: `must be one of ${SYNCHRONOUS_MODES.join(', ')}` }).default('FULL'),
  responseBytes: intIn(ResponseLimits.bytes).default(ResponseLimits.bytes.default),
  logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('warn'),
});

/**
 * Starts Conveyor's embedded broker in this process, behind the same HTTP
 * server and API handler as `npm start`, and resolves once it listens. Made for
 * tests: by default each broker gets a free port and a temporary data folder of
 * its own, so brokers started side by side share nothing. Throws
 * `InvalidRequestError` for a bad option and `ConfigurationError` when the
 * broker cannot start (a port in use, better-sqlite3 missing); nothing is left
 * behind then.
 *
 * @example
 * import { startConveyor, type StartedConveyor } from 'conveyor/server';
 *
 * describe('billing', () => {
 *   let broker: StartedConveyor;
 *
 *   beforeAll(async () => {
 *     broker = await startConveyor({ synchronous: 'NORMAL' });
 *   });
 *
 *   afterAll(async () => {
 *     await broker.stop();
 *   });
 *
 *   it('creates a topic', async () => {
 *     const response = await fetch(`${broker.url}/v1/topics/orders`, {
 *       method: 'PUT',
 *       headers: { 'content-type': 'application/json' },
 *       body: JSON.stringify({ partitions: 4 }),
 *     });
 *     expect(response.status).toBe(201);
 *   });
 * });
 */
export async function startConveyor(options: StartConveyorOptions = {}): Promise<StartedConveyor> {
  const settings = parse(optionsSchema, options, 'startConveyor options');
  const temporary = settings.dataDir === undefined;
  const dataDir = settings.dataDir ?? (await mkdtemp(join(tmpdir(), 'conveyor-')));
  const removeTemporary = async (): Promise<void> => {
    if (temporary) await rm(dataDir, { recursive: true, force: true });
  };
  let serving: Serving;
  try {
    const config = serverConfig(
      {
        host: settings.host,
        port: settings.port,
        dataDir,
        plainTokens: settings.tokens,
        tokenFile: settings.tokenFile,
        rateLimit: undefined,
        connections: CONNECTION_DEFAULTS,
        synchronous: settings.synchronous,
        responseBytes: settings.responseBytes,
        // At the default log level (warn) the lines are not written; logLevel 'info' shows them.
        accessLog: true,
      },
      'pass tokens or tokenFile',
    );
    serving = await serve({ config, backend: BackendName.Sqlite, logger: createLogger(settings.logLevel) });
  } catch (error) {
    await removeTemporary();
    throw error;
  }
  const running = serving;
  let stopped: Promise<void> | undefined;
  return {
    url: running.url,
    dataDir,
    stop: () => {
      stopped ??= running.stop().then(removeTemporary);
      return stopped;
    },
  };
}
