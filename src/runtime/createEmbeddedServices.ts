import type { Logger } from 'pino';
import { createSqliteBackend } from '../adapters/sqlite/createSqliteBackend.js';
import type { Synchronous } from '../adapters/sqlite/SqliteStore.js';
import { Broker } from '../broker/Broker.js';
import type { MaintenanceOptions } from '../broker/Maintenance.js';
import type { ApiServices } from '../http/types.js';
import { AccessLog } from '../observability/AccessLog.js';
import { Metrics } from '../observability/Metrics.js';
import { systemClock, type Clock } from '../ports/Clock.js';
import { storeGauges } from './storeGauges.js';

export interface EmbeddedOptions {
  readonly dataDir: string;
  readonly logger: Logger;
  readonly synchronous?: Synchronous;
  readonly clock?: Clock;
  readonly maintenance?: MaintenanceOptions;
  /** Most bytes of messages one log read, pull or dead-letter listing returns. @default ResponseLimits.bytes.default */
  readonly responseBytes?: number;
  /** An access log line per request (CONVEYOR_ACCESS_LOG). @default true */
  readonly accessLog?: boolean;
}

export interface Services extends ApiServices {
  /** Stops background work and closes the store after in-flight writes commit. */
  close(): Promise<void>;
}

/** Between two warnings of failing checkpoints: on a full disk they fail every 25 ms. */
const CHECKPOINT_WARNING_INTERVAL_MS = 10_000;

/**
 * Logs failed checkpoints (background or at close) at most every 10 s, with how
 * many were not logged meanwhile. A failed checkpoint loses nothing: committed
 * writes stay in the WAL, and the next checkpoint, or the next start, copies them.
 */
function checkpointWarnings(logger: Logger): (message: string) => void {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (message) => {
    const now = Date.now();
    if (now - lastAt < CHECKPOINT_WARNING_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    logger.warn({ error: message, suppressed }, 'WAL checkpoint failed; committed writes stay in the WAL for the next checkpoint or start');
    lastAt = now;
    suppressed = 0;
  };
}

/**
 * The embedded default: broker, SQLite backend and metrics in this process, with
 * the maintenance timer running.
 *
 * @example
 * const services = createEmbeddedServices({ dataDir: './.conveyor', logger });
 * await services.close();
 */
export function createEmbeddedServices(options: EmbeddedOptions): Services {
  const clock = options.clock ?? systemClock;
  const metrics = new Metrics();
  const backend = createSqliteBackend({
    dataDir: options.dataDir,
    clock,
    telemetry: metrics,
    onCheckpointError: checkpointWarnings(options.logger),
    ...(options.synchronous === undefined ? {} : { synchronous: options.synchronous }),
    ...(options.responseBytes === undefined ? {} : { responseBytes: options.responseBytes }),
  });
  const broker = new Broker({
    backend,
    clock,
    logger: options.logger,
    telemetry: metrics,
    ...(options.maintenance === undefined ? {} : { maintenance: options.maintenance }),
  });
  metrics.readGaugesFrom(storeGauges(broker));
  broker.maintenance.start();
  return { broker, metrics, accessLog: new AccessLog(options.logger, options.accessLog), close: () => broker.close() };
}
