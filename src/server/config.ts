import { isIP } from 'node:net';
import { z } from 'zod';
import { rateLimitSchema, type RateLimit } from '../access/rateLimits.js';
import { loadTokenFile } from '../access/tokenFile.js';
import { parseTokenList, TokenRegistry } from '../access/TokenRegistry.js';
// Only the type: the value would load the store, and with it better-sqlite3, into every server and CLI command.
import type { Synchronous } from '../adapters/sqlite/SqliteStore.js';
import { ConfigurationError } from '../domain/errors.js';
import { intIn, shown } from '../http/schemas/fields.js';
import { parse } from '../http/validate.js';
import { accessLogSetting } from '../runtime/accessLogSetting.js';
import { responseBytesSetting } from '../runtime/responseBytesSetting.js';
import { CONNECTION_DEFAULTS, type ConnectionLimits } from './connectionLimits.js';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** AUTH_TOKENS (admins) and AUTH_TOKENS_FILE (named tokens with grants). */
  readonly tokens: TokenRegistry;
  /** CONVEYOR_RATE_LIMIT: every token without its own `rateLimit`, or every client address when there are no tokens. */
  readonly rateLimit: RateLimit | undefined;
  readonly connections: ConnectionLimits;
  readonly synchronous: Synchronous;
  /** CONVEYOR_RESPONSE_BYTES: most bytes of messages one log read, pull or dead-letter listing returns. */
  readonly responseBytes: number;
  /** CONVEYOR_ACCESS_LOG: an info line per request (method, route template, status, duration, caller, request id). */
  readonly accessLog: boolean;
}

const wholeNumber = (range: { readonly min: number; readonly max: number }, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: (issue) => `must be a whole number between ${range.min} and ${range.max}, but ${shown(issue.input)} was provided` })
    .transform(Number)
    .pipe(intIn(range))
    .default(fallback);

const environment = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.string().regex(/^\d+$/, { error: 'must be a port number' }).transform(Number).pipe(intIn({ min: 0, max: 65535 })).default(8080),
  DATA_DIR: z.string().min(1).default('./.conveyor'),
  AUTH_TOKENS: z.string().default(''),
  AUTH_TOKENS_FILE: z.string().default(''),
  CONVEYOR_RATE_LIMIT: z.string().default(''),
  CONVEYOR_MAX_CONNECTIONS: wholeNumber({ min: 1, max: 100_000 }, CONNECTION_DEFAULTS.maxConnections),
  CONVEYOR_HEADERS_TIMEOUT_MS: wholeNumber({ min: 1000, max: 600_000 }, CONNECTION_DEFAULTS.headersTimeoutMs),
  CONVEYOR_REQUEST_TIMEOUT_MS: wholeNumber({ min: 1000, max: 3_600_000 }, CONNECTION_DEFAULTS.requestTimeoutMs),
  CONVEYOR_MAX_LONG_POLLS: wholeNumber({ min: 1, max: 100_000 }, CONNECTION_DEFAULTS.maxLongPollsPerCaller),
  CONVEYOR_SYNC: z
    .enum(['FULL', 'GROUP', 'NORMAL'] satisfies Synchronous[], { error: 'must be FULL, GROUP or NORMAL' })
    .default('FULL'),
  CONVEYOR_RESPONSE_BYTES: responseBytesSetting,
  CONVEYOR_ACCESS_LOG: accessLogSetting,
});

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

/** CONVEYOR_RATE_LIMIT holds the JSON of a token file's `rateLimit`. */
function readRateLimit(text: string): RateLimit | undefined {
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`CONVEYOR_RATE_LIMIT must be JSON such as {"requestsPerSecond":50,"burst":100}: ${(error as Error).message}`);
  }
  const parsed = rateLimitSchema.safeParse(json);
  if (!parsed.success) throw new ConfigurationError(`CONVEYOR_RATE_LIMIT: ${parsed.error.issues.map((issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message)).join('; ')}`);
  return parsed.data;
}

/** A server's settings before its token file is read and its tokens checked. */
export interface ServerSettings extends Omit<ServerConfig, 'tokens'> {
  /** Bearer tokens, each an admin (AUTH_TOKENS). */
  readonly plainTokens: readonly string[];
  /** A token file of named tokens with grants (AUTH_TOKENS_FILE). */
  readonly tokenFile: string | undefined;
}

/**
 * Reads the token file and checks the settings together. Without tokens the
 * server would be open to anyone who can reach it, so it must stay on loopback;
 * `howToAuthenticate` completes the refusal with the names the caller knows.
 *
 * @example
 * const config = serverConfig({ ...settings, plainTokens: [], tokenFile: undefined }, 'pass tokens or tokenFile');
 */
export function serverConfig(settings: ServerSettings, howToAuthenticate: string): ServerConfig {
  const { plainTokens, tokenFile, ...rest } = settings;
  const tokens = TokenRegistry.from({ plain: plainTokens, entries: tokenFile === undefined ? [] : loadTokenFile(tokenFile) });
  if (!tokens.enabled && !isLoopback(settings.host)) {
    throw new ConfigurationError(`refusing to listen on ${settings.host} without authentication: ${howToAuthenticate}, or listen on 127.0.0.1`);
  }
  return { ...rest, tokens };
}

/**
 * Reads the server's settings from the environment; a bad value stops the server
 * with a message naming the variable.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = parse(environment, env, 'environment');
  return serverConfig(
    {
      host: parsed.HOST,
      port: parsed.PORT,
      dataDir: parsed.DATA_DIR,
      plainTokens: parseTokenList(parsed.AUTH_TOKENS),
      tokenFile: parsed.AUTH_TOKENS_FILE === '' ? undefined : parsed.AUTH_TOKENS_FILE,
      rateLimit: readRateLimit(parsed.CONVEYOR_RATE_LIMIT),
      connections: {
        maxConnections: parsed.CONVEYOR_MAX_CONNECTIONS,
        headersTimeoutMs: parsed.CONVEYOR_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: parsed.CONVEYOR_REQUEST_TIMEOUT_MS,
        maxLongPollsPerCaller: parsed.CONVEYOR_MAX_LONG_POLLS,
      },
      synchronous: parsed.CONVEYOR_SYNC,
      responseBytes: parsed.CONVEYOR_RESPONSE_BYTES,
      accessLog: parsed.CONVEYOR_ACCESS_LOG,
    },
    'set AUTH_TOKENS (comma-separated bearer tokens) or AUTH_TOKENS_FILE',
  );
}
