import { BACKEND_ENV } from '../adapters/aws/resources.js';
import { createLogger } from '../observability/logger.js';
import type { AwsServices } from './createAwsServices.js';
import type { Services } from './createEmbeddedServices.js';

let services: Promise<Services> | undefined;
let awsServices: Promise<AwsServices> | undefined;

/**
 * The AWS services of this process, from the resources the stack put in the
 * environment. CONVEYOR_RESPONSE_BYTES is held to what a Lambda can answer
 * (LambdaResponseBytes: 2 MiB unless set, at most 2.5 MiB);
 * CONVEYOR_LOG_COMPRESSION is the stack's `logCompression`, CONVEYOR_FAN_OUT
 * its `fanOut`.
 */
export function awsProcessServices(): Promise<AwsServices> {
  awsServices ??= Promise.all([
    import('./createAwsServices.js'),
    import('../adapters/aws/clients.js'),
    import('../adapters/aws/resources.js'),
    import('./responseBytesSetting.js'),
    import('./accessLogSetting.js'),
    import('./logCompressionSetting.js'),
    import('./fanOutSetting.js'),
  ]).then(
    ([{ createAwsServices }, { createAwsClients }, { resourcesFromEnv }, { LambdaResponseBytes, readResponseBytes }, { readAccessLog }, { readLogCompression }, { readFanOut }]) =>
      createAwsServices({
        clients: createAwsClients(),
        resources: resourcesFromEnv(),
        logger: createLogger(),
        responseBytes: readResponseBytes(process.env, LambdaResponseBytes),
        accessLog: readAccessLog(),
        logCompression: readLogCompression(),
        fanOut: readFanOut(),
      }),
  );
  return awsServices;
}

/**
 * The services of this process, built on first use and then reused by every
 * invocation (a Lambda container keeps them warm). CONVEYOR_BACKEND picks the
 * backend: `aws` (set by the CDK stack) or the embedded default, with DATA_DIR.
 * Each backend is imported only when chosen, so a Lambda never loads SQLite.
 */
export function processServices(): Promise<Services> {
  if (process.env[BACKEND_ENV] === 'aws') return awsProcessServices();
  services ??= Promise.all([import('./createEmbeddedServices.js'), import('./responseBytesSetting.js'), import('./accessLogSetting.js')]).then(
    ([{ createEmbeddedServices }, { readResponseBytes }, { readAccessLog }]) =>
      createEmbeddedServices({ dataDir: process.env['DATA_DIR'] ?? '/tmp/conveyor', logger: createLogger(), responseBytes: readResponseBytes(), accessLog: readAccessLog() }),
  );
  return services;
}
