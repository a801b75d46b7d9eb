import { JWT_GRANTS_CLAIM_ENV } from '../src/access/jwtPrincipal.js';
import { TokenRegistry, parseTokenList } from '../src/access/TokenRegistry.js';
import { loadTokenFile } from '../src/access/tokenFile.js';
import { createApiHandler } from '../src/http/createApiHandler.js';
import { apiRoutes } from '../src/http/routes/index.js';
import { createLogger } from '../src/observability/logger.js';
import { processServices } from '../src/runtime/processServices.js';

const tokensFile = process.env['AUTH_TOKENS_FILE'];

/**
 * HTTP API v1 on API Gateway (HTTP API, payload v2). The local server calls this
 * same handler, so local and deployed requests take one code path. Behind API
 * Gateway the caller comes from its IAM or JWT authorizer (grants from the claim
 * CONVEYOR_JWT_GRANTS_CLAIM, `scope` by default); bearer tokens from the
 * environment are checked only where nothing in front identified the caller.
 */
export const handler = createApiHandler({
  routes: apiRoutes,
  services: processServices,
  logger: createLogger(),
  tokens: TokenRegistry.from({
    plain: parseTokenList(process.env['AUTH_TOKENS']),
    entries: tokensFile === undefined || tokensFile === '' ? [] : loadTokenFile(tokensFile),
  }),
  ...(process.env[JWT_GRANTS_CLAIM_ENV] ? { jwtGrantsClaim: process.env[JWT_GRANTS_CLAIM_ENV] } : {}),
});
