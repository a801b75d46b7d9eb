import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthorizedError } from '../../domain/errors.js';

export interface BearerAuthOptions {
  /** Accepted tokens; an empty list turns the check off (API Gateway's IAM or JWT auth then guards the API). */
  readonly tokens: readonly string[];
  /** Paths served without a token. @default ['/healthz'] */
  readonly publicPaths?: readonly string[];
}

/** Splits AUTH_TOKENS-style text: comma-separated, blanks ignored. */
export function parseTokenList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token.length > 0);
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Requires `Authorization: Bearer <token>` with one of the configured tokens, compared in constant time. */
export function bearerAuth(options: BearerAuthOptions): MiddlewareObj<APIGatewayProxyEventV2> {
  const accepted = options.tokens.map(digest);
  const publicPaths = new Set(options.publicPaths ?? ['/healthz']);
  return {
    before: async ({ event }) => {
      if (accepted.length === 0 || publicPaths.has(event.rawPath)) return;
      const header = event.headers['authorization'];
      const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
      if (match === null) throw new UnauthorizedError('this server requires Authorization: Bearer <token>');
      const offered = digest(match[1]!);
      if (!accepted.some((token) => timingSafeEqual(token, offered))) throw new UnauthorizedError('the bearer token is not valid');
    },
  };
}
