import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigurationError, UnauthorizedError } from '../domain/errors.js';
import { Principal } from './Principal.js';
import type { RateLimit } from './rateLimits.js';
import type { TokenEntry } from './tokenFile.js';

/** A caller recognised by its bearer token. */
export interface Authenticated {
  readonly principal: Principal;
  /** The token's own limit; the server's default applies when absent. */
  readonly rateLimit?: RateLimit;
}

interface Known extends Authenticated {
  readonly digest: Buffer;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;

/** Splits AUTH_TOKENS-style text: comma-separated, blanks ignored. */
export function parseTokenList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token.length > 0);
}

/**
 * The bearer tokens a server accepts: plain AUTH_TOKENS (each an admin, named
 * `AUTH_TOKENS[i]`) and the entries of AUTH_TOKENS_FILE. A token is compared
 * with every known token in constant time (SHA-256 digests, no early exit), so
 * timing tells nothing about which tokens exist.
 *
 * @example
 * const registry = TokenRegistry.from({ plain: ['s3cret-token-0001'], entries: loadTokenFile('tokens.json') });
 * const { principal } = registry.authenticate('Bearer s3cret-token-0001');
 */
export class TokenRegistry {
  private constructor(private readonly known: readonly Known[]) {}

  public static from(sources: { readonly plain?: readonly string[]; readonly entries?: readonly TokenEntry[] }): TokenRegistry {
    const known: Known[] = [];
    const seen = new Map<string, string>();
    const add = (name: string, token: string, authenticated: Authenticated): void => {
      const other = seen.get(token);
      if (other !== undefined) throw new ConfigurationError(`${name} has the same token as ${other}; every token must be unique`);
      seen.set(token, name);
      known.push({ ...authenticated, digest: digest(token) });
    };
    (sources.plain ?? []).forEach((token, index) => add(`AUTH_TOKENS[${index}]`, token, { principal: Principal.admin(`AUTH_TOKENS[${index}]`) }));
    for (const entry of sources.entries ?? []) {
      add(`AUTH_TOKENS_FILE entry ${JSON.stringify(entry.name)}`, entry.token, {
        principal: new Principal(entry.name, entry.grants),
        ...(entry.rateLimit === undefined ? {} : { rateLimit: entry.rateLimit }),
      });
    }
    return new TokenRegistry(known);
  }

  public static readonly empty = new TokenRegistry([]);

  /** Whether any token is configured; without one the server is open (and must stay on loopback). */
  public get enabled(): boolean {
    return this.known.length > 0;
  }

  /** The caller an Authorization header names; throws Unauthorized for a missing, malformed or unknown token. */
  public authenticate(authorization: string | undefined): Authenticated {
    const match = authorization === undefined ? null : BEARER.exec(authorization);
    if (match === null) throw new UnauthorizedError('this server requires Authorization: Bearer <token>');
    const offered = digest(match[1]!);
    let found: Known | undefined;
    for (const candidate of this.known) {
      if (timingSafeEqual(candidate.digest, offered) && found === undefined) found = candidate;
    }
    if (found === undefined) throw new UnauthorizedError('the bearer token is not valid');
    return found.rateLimit === undefined ? { principal: found.principal } : { principal: found.principal, rateLimit: found.rateLimit };
  }
}
