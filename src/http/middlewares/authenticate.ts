import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { DEFAULT_GRANTS_CLAIM, principalFromJwt } from '../../access/jwtPrincipal.js';
import { Principal } from '../../access/Principal.js';
import type { TokenRegistry } from '../../access/TokenRegistry.js';
import type { ApiContext } from '../createApiHandler.js';

export interface AuthenticateOptions {
  /** Bearer tokens checked here when nothing in front has identified the caller. */
  readonly tokens: TokenRegistry;
  /** Paths served without identifying the caller. */
  readonly publicPaths: ReadonlySet<string>;
  /** JWT claim holding the grants (API Gateway JWT authorizer). @default 'scope' */
  readonly jwtGrantsClaim?: string;
}

type AuthorizerContext = Partial<APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer']> &
  Partial<APIGatewayProxyEventV2WithIAMAuthorizer['requestContext']['authorizer']>;

const OPEN = Principal.admin('anonymous');
/** On a server with tokens, who calls a public path: nobody with any grant. */
const NOBODY = new Principal('an unauthenticated caller', []);

/**
 * Sets `context.principal`: kept when the local server has identified the caller
 * already (before reading the body); otherwise from API Gateway's JWT authorizer
 * (grants from the token's scopes or a configured claim), from its IAM
 * authorizer (an admin: IAM policies on execute-api decide there), from a bearer
 * token when tokens are configured, or, with none of these, the open admin of
 * an unauthenticated loopback server.
 */
export function authenticate(options: AuthenticateOptions): MiddlewareObj<APIGatewayProxyEventV2, unknown, Error, ApiContext> {
  return {
    before: async ({ event, context }) => {
      if (context.principal !== undefined) return;
      const authorizer = (event.requestContext as { authorizer?: AuthorizerContext }).authorizer;
      if (authorizer?.jwt !== undefined) {
        context.principal = principalFromJwt(authorizer.jwt.claims, authorizer.jwt.scopes ?? undefined, options.jwtGrantsClaim ?? DEFAULT_GRANTS_CLAIM);
      } else if (authorizer?.iam !== undefined) {
        context.principal = Principal.admin(`iam ${authorizer.iam.userArn ?? authorizer.iam.accessKey ?? 'caller'}`);
      } else if (options.tokens.enabled) {
        context.principal = options.publicPaths.has(event.rawPath) ? NOBODY : options.tokens.authenticate(event.headers['authorization']).principal;
      } else {
        context.principal = OPEN;
      }
    },
  };
}
