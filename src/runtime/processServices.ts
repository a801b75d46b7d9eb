import { createLogger } from '../observability/logger.js';
import type { ApiServices } from '../http/types.js';
import { createEmbeddedServices } from './createEmbeddedServices.js';

let services: Promise<ApiServices> | undefined;

/**
 * The services of this process, built on first use and then reused by every
 * invocation (a Lambda container keeps them warm). Configured from the environment.
 */
export function processServices(): Promise<ApiServices> {
  services ??= Promise.resolve().then(() =>
    createEmbeddedServices({ dataDir: process.env['DATA_DIR'] ?? '/tmp/conveyor', logger: createLogger() }),
  );
  return services;
}
