import type { Logger } from 'pino';
import { createSqliteBackend } from '../adapters/sqlite/createSqliteBackend.js';
import type { Synchronous } from '../adapters/sqlite/SqliteStore.js';
import { Broker } from '../broker/Broker.js';
import type { MaintenanceOptions } from '../broker/Maintenance.js';
import type { ApiServices } from '../http/types.js';
import { Metrics } from '../observability/Metrics.js';
import { systemClock, type Clock } from '../ports/Clock.js';
import { subscriptionGauges } from './subscriptionGauges.js';

export interface EmbeddedOptions {
  readonly dataDir: string;
  readonly logger: Logger;
  readonly synchronous?: Synchronous;
  readonly clock?: Clock;
  readonly maintenance?: MaintenanceOptions;
  /** Most bytes of messages one log read, pull or dead-letter listing returns. @default ResponseLimits.bytes.default */
  readonly responseBytes?: number;
}

export interface Services extends ApiServices {
  /** Stops background work and closes the store after in-flight writes commit. */
  close(): Promise<void>;
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
    onCheckpointError: (message) => options.logger.warn({ error: message }, 'background WAL checkpoint failed; the next one retries'),
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
  metrics.readGaugesFrom(subscriptionGauges(broker));
  broker.maintenance.start();
  return { broker, metrics, close: () => broker.close() };
}
