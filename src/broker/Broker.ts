import type { Logger } from 'pino';
import type { Backend } from '../ports/Backend.js';
import type { Clock } from '../ports/Clock.js';
import { noTelemetry, type Telemetry } from '../ports/Telemetry.js';
import { Delays } from './Delays.js';
import { Delivery } from './Delivery.js';
import { LogReader } from './LogReader.js';
import { Maintenance, type MaintenanceOptions } from './Maintenance.js';
import { Publisher } from './Publisher.js';
import { Schedules } from './Schedules.js';
import { SubscriptionAdmin } from './SubscriptionAdmin.js';
import { TopicAdmin } from './TopicAdmin.js';

export interface BrokerOptions {
  readonly backend: Backend;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly telemetry?: Telemetry;
  readonly maintenance?: MaintenanceOptions;
}

/**
 * The broker: every capability, written once against the ports and wired to
 * one backend. HTTP handlers call it; they never reach an adapter directly.
 *
 * @example
 * const broker = new Broker({ backend: await openSqliteBackend({ dataDir: '.conveyor', clock: systemClock }), clock: systemClock, logger });
 * await broker.topics.create('orders', { partitions: 4, retentionHours: 168, dedupWindowSeconds: 3600 });
 */
export class Broker {
  public readonly backend: Backend;
  public readonly topics: TopicAdmin;
  public readonly publisher: Publisher;
  public readonly delays: Delays;
  public readonly log: LogReader;
  public readonly subscriptions: SubscriptionAdmin;
  public readonly delivery: Delivery;
  public readonly schedules: Schedules;
  public readonly maintenance: Maintenance;

  public constructor(options: BrokerOptions) {
    const { backend, clock, logger } = options;
    const telemetry = options.telemetry ?? noTelemetry;
    this.backend = backend;
    this.topics = new TopicAdmin(backend, clock, telemetry);
    this.publisher = new Publisher(backend, this.topics, clock, telemetry, () => this.maintenance.wake());
    this.delays = new Delays(backend, this.topics);
    this.log = new LogReader(backend, this.topics);
    this.subscriptions = new SubscriptionAdmin(backend, this.topics, clock, telemetry);
    this.delivery = new Delivery(backend, this.subscriptions, telemetry);
    this.schedules = new Schedules(backend, this.topics, this.publisher, clock, () => this.maintenance.wake());
    this.maintenance = new Maintenance(backend, this.schedules, clock, logger, options.maintenance);
  }

  /** Stops background work, then closes the backend once in-flight writes have committed. */
  public async close(): Promise<void> {
    await this.maintenance.stop();
    await this.backend.close();
  }
}
