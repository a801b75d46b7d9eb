import { isIP } from 'node:net';
import { z } from 'zod';
import { Synchronous } from '../adapters/sqlite/SqliteStore.js';
import { InvalidRequestError } from '../domain/errors.js';
import { parseTokenList } from '../http/middlewares/bearerAuth.js';
import { intIn } from '../http/schemas/fields.js';
import { parse } from '../http/validate.js';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly authTokens: readonly string[];
  readonly synchronous: Synchronous;
}

const environment = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.string().regex(/^\d+$/, { error: 'must be a port number' }).transform(Number).pipe(intIn({ min: 0, max: 65535 })).default(8080),
  DATA_DIR: z.string().min(1).default('./.conveyor'),
  AUTH_TOKENS: z.string().default(''),
  CONVEYOR_SYNC: z
    .enum([Synchronous.Full, Synchronous.Group, Synchronous.Normal], { error: 'must be FULL, GROUP or NORMAL' })
    .default(Synchronous.Full),
});

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

/**
 * Reads the server's settings from the environment. Without AUTH_TOKENS the
 * server would be open to anyone who can reach it, so it must stay on loopback.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = parse(environment, env, 'environment');
  const authTokens = parseTokenList(parsed.AUTH_TOKENS);
  if (authTokens.length === 0 && !isLoopback(parsed.HOST)) {
    throw new InvalidRequestError(
      `refusing to listen on ${parsed.HOST} without authentication: set AUTH_TOKENS (comma-separated bearer tokens), or listen on 127.0.0.1`,
    );
  }
  return { host: parsed.HOST, port: parsed.PORT, dataDir: parsed.DATA_DIR, authTokens, synchronous: parsed.CONVEYOR_SYNC };
}
