import type { Logger } from 'pino';
import type { Services } from '../runtime/createEmbeddedServices.js';
import { ConfigurationError } from '../domain/errors.js';
import type { ServerConfig } from './config.js';

/**
 * better-sqlite3 is an optional dependency of the package: its native module may
 * not have installed (no compiler, `--omit=optional`), which a CDK-only or
 * Lambda-only project never notices. The embedded backend says so plainly.
 */
const SQLITE_MISSING =
  "the embedded backend needs better-sqlite3, an optional dependency of conveyor that is not installed here (or whose native module failed to build): run npm install better-sqlite3";

/** The AWS backend synthesizes the stack it deploys into the emulator: aws-cdk-lib and constructs are optional peers of the package. */
const CDK_MISSING =
  "the aws backend deploys Conveyor's stack into the emulator and needs aws-cdk-lib and constructs, optional peer dependencies of conveyor that are not installed here: run npm install aws-cdk-lib constructs";

/** Node could not find the package `name` (an ESM import of it failed). */
const missingPackage = (error: unknown, name: string): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_MODULE_NOT_FOUND' && (error as Error).message.includes(`'${name}'`);

/** What `npm start` serves: the services, a line saying where the data lives, and how to shut down. */
export interface RunningBackend {
  readonly services: Services;
  readonly description: string;
  /** Stops background work and releases the backend (and an emulator it started). */
  close(): Promise<void>;
}

/** The embedded default: SQLite in DATA_DIR, the maintenance timer in this process. */
export async function startEmbeddedBackend(config: ServerConfig, logger: Logger): Promise<RunningBackend> {
  const { createEmbeddedServices } = await import('../runtime/createEmbeddedServices.js').catch((error: unknown) => {
    throw missingPackage(error, 'better-sqlite3') ? new ConfigurationError(SQLITE_MISSING) : error;
  });
  const services = createEmbeddedServices({ dataDir: config.dataDir, logger, synchronous: config.synchronous, responseBytes: config.responseBytes, accessLog: config.accessLog });
  return { services, description: `data in ${config.dataDir}`, close: () => services.close() };
}

/**
 * The AWS backend against an emulator: AWS_ENDPOINT_URL when set (LocalStack or
 * any other), otherwise a moto server started here on CONVEYOR_EMULATOR_PORT.
 * ConveyorStack is deployed into it and every function runs in this process.
 */
export async function startEmulatedAwsBackend(logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<RunningBackend> {
  const [{ startMotoServer }, { startLocalAws }, { readResponseBytes }, { warnIfUnpatchedEmulator }, { readAccessLog }, { useEmulatorCredentials }] = await Promise.all([
    import('../emulation/motoServer.js'),
    import('../emulation/startLocalAws.js'),
    import('../runtime/responseBytesSetting.js'),
    import('../emulation/emulatorProbe.js'),
    import('../runtime/accessLogSetting.js'),
    import('../emulation/emulatorCredentials.js'),
  ]);
  useEmulatorCredentials(env);
  const external = env['AWS_ENDPOINT_URL'];
  const moto = external === undefined || external === '' ? await startMotoServer(Number(env['CONVEYOR_EMULATOR_PORT'] ?? 5000)) : undefined;
  const endpoint = moto?.endpoint ?? external!;
  // Someone else's emulator may lack the launcher's patches (slow fan-out, a stream lost after a cancelled transaction): say so first.
  if (moto === undefined) await warnIfUnpatchedEmulator(endpoint, logger);
  try {
    const local = await startLocalAws({ endpoint, logger, responseBytes: readResponseBytes(env), accessLog: readAccessLog(env) });
    local.runner.start();
    return {
      services: local.services,
      description: `AWS backend on the emulator at ${endpoint}${moto === undefined ? '' : ' (moto, started here)'}`,
      close: async () => {
        await local.close();
        await moto?.stop();
      },
    };
  } catch (error) {
    await moto?.stop();
    throw missingPackage(error, 'aws-cdk-lib') || missingPackage(error, 'constructs') ? new ConfigurationError(CDK_MISSING) : error;
  }
}
