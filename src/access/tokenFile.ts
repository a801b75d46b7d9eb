import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigurationError } from '../domain/errors.js';
import { GRANT_SYNTAX, parseGrant, type Grant } from './grants.js';
import { rateLimitSchema, type RateLimit } from './rateLimits.js';

/** One caller the server knows: its name, its secret, what it may do and how fast. */
export interface TokenEntry {
  readonly name: string;
  readonly token: string;
  readonly grants: readonly Grant[];
  readonly rateLimit?: RateLimit;
}

/** Tokens shorter than this are refused at start: they could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

const entrySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, { error: 'name must be 1 to 64 letters, digits, "_", ".", "@" or "-", starting with a letter or digit' }),
  token: z
    .string({ error: 'token must be a string' })
    .min(MIN_TOKEN_LENGTH, { error: (issue) => `token must have at least ${MIN_TOKEN_LENGTH} characters, but ${String(issue.input).length} were provided` })
    .max(512, { error: 'token must have at most 512 characters' })
    .regex(/^[\x21-\x7e]+$/, { error: 'token must be printable ASCII without spaces' }),
  grants: z.array(z.string({ error: 'grants must be strings' }), { error: 'grants must be an array of strings' }).min(1, { error: 'grants must name at least one grant' }),
  rateLimit: rateLimitSchema.optional(),
});

const fileSchema = z.strictObject({ tokens: z.array(z.unknown(), { error: 'tokens must be an array' }).min(1, { error: 'tokens must hold at least one entry' }) });

/**
 * Reads and checks the JSON text of an AUTH_TOKENS_FILE. Every problem names the
 * entry it is in, by position and name, and never prints a token.
 *
 * @example
 * parseTokenFile('{"tokens":[{"name":"ops","token":"0123456789abcdef","grants":["admin"]}]}', 'tokens.json');
 */
export function parseTokenFile(text: string, source: string): TokenEntry[] {
  const fail = (message: string): never => {
    throw new ConfigurationError(`AUTH_TOKENS_FILE ${source}: ${message}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON: ${(error as Error).message}`);
  }
  const file = fileSchema.safeParse(json);
  if (!file.success) return fail(`must be {"tokens": [ ... ]}: ${file.error.issues[0]?.message ?? 'invalid'}`);

  const entries: TokenEntry[] = [];
  const names = new Map<string, number>();
  const tokens = new Map<string, number>();
  file.data.tokens.forEach((raw, index) => {
    const label = `tokens[${index}]${typeof raw === 'object' && raw !== null && typeof (raw as { name?: unknown }).name === 'string' ? ` (name ${JSON.stringify((raw as { name: string }).name)})` : ''}`;
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      // Every message of entrySchema names its field already.
      const issue = parsed.error.issues[0];
      const message = issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}` : (issue?.message ?? 'invalid');
      fail(`${label}: ${message}`);
      return;
    }
    const entry = parsed.data;
    const grants = entry.grants.map((text) => parseGrant(text) ?? fail(`${label}: unknown grant ${JSON.stringify(text)}; a grant is ${GRANT_SYNTAX}`));
    const sameName = names.get(entry.name);
    if (sameName !== undefined) fail(`${label}: the name is already used by tokens[${sameName}]`);
    const sameToken = tokens.get(entry.token);
    if (sameToken !== undefined) fail(`${label}: the token is the same as the token of tokens[${sameToken}]; every token must be unique`);
    names.set(entry.name, index);
    tokens.set(entry.token, index);
    entries.push({ name: entry.name, token: entry.token, grants, ...(entry.rateLimit === undefined ? {} : { rateLimit: entry.rateLimit }) });
  });
  return entries;
}

/** Reads AUTH_TOKENS_FILE from disk; a missing or unreadable file stops the server with the reason. */
export function loadTokenFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`AUTH_TOKENS_FILE ${path}: cannot be read: ${(error as Error).message}`);
  }
  return parseTokenFile(text, path);
}
