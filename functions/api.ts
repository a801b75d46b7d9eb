import { createApiHandler } from '../src/http/createApiHandler.js';
import { parseTokenList } from '../src/http/middlewares/bearerAuth.js';
import { apiRoutes } from '../src/http/routes/index.js';
import { createLogger } from '../src/observability/logger.js';
import { processServices } from '../src/runtime/processServices.js';

/**
 * HTTP API v1 on API Gateway (HTTP API, payload v2). The local server calls this
 * same handler, so local and deployed requests take one code path.
 */
export const handler = createApiHandler({
  routes: apiRoutes,
  services: processServices,
  logger: createLogger(),
  authTokens: parseTokenList(process.env['AUTH_TOKENS']),
});
