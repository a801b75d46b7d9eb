import { createLogger } from '../observability/logger.js';
import { createEmbeddedServices, type Services } from './createEmbeddedServices.js';

let services: Promise<Services> | undefined;

/**
 * The services of this process, built on first use and then reused by every
 * invocation (a Lambda container keeps them warm). Configured from the environment.
 */
export function processServices(): Promise<Services> {
  services ??= Promise.resolve().then(() =>
    createEmbeddedServices({ dataDir: process.env['DATA_DIR'] ?? '/tmp/conveyor', logger: createLogger() }),
  );
  return services;
}
