import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Telemetry } from '../ports/Telemetry.js';

/** Per-topic and per-subscription figures the gauges read at scrape time. */
export interface GaugeSource {
  snapshot(): Promise<{
    readonly topics: ReadonlyArray<{ topic: string; delayed: number }>;
    readonly subscriptions: ReadonlyArray<{ topic: string; subscription: string; backlog: number; inFlight: number; oldestUnackedAgeSeconds: number }>;
  }>;
}

/**
 * Prometheus metrics of one process. Counters are fed by the broker through the
 * Telemetry port; subscription gauges are read from the store when scraped, so
 * they are true even after a restart. Deleting a topic or a subscription
 * removes every series labelled with it, so a dashboard does not show it forever.
 *
 * @example
 * const metrics = new Metrics();
 * metrics.readGaugesFrom(source);
 * const { contentType, content } = await metrics.exposition();
 */
export class Metrics implements Telemetry {
  public readonly registry = new Registry();
  private readonly publishedTotal: Counter<'topic'>;
  private readonly deliveredTotal: Counter<'topic' | 'subscription'>;
  private readonly ackedTotal: Counter<'topic' | 'subscription'>;
  private readonly nackedTotal: Counter<'topic' | 'subscription'>;
  private readonly deadLetteredTotal: Counter<'topic' | 'subscription'>;
  private readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly backlog: Gauge<'topic' | 'subscription'>;
  private readonly inFlight: Gauge<'topic' | 'subscription'>;
  private readonly oldestUnackedAge: Gauge<'topic' | 'subscription'>;
  private readonly delayed: Gauge<'topic'>;
  private source: GaugeSource | undefined;
  /** Subscriptions with a series in a per-subscription counter, by topic: what a deletion must remove. */
  private readonly counted = new Map<string, Set<string>>();

  public constructor() {
    const registers = [this.registry];
    const perSubscription = ['topic', 'subscription'] as const;
    this.publishedTotal = new Counter({ name: 'conveyor_messages_published_total', help: 'Messages accepted for publishing (duplicates excluded).', labelNames: ['topic'], registers });
    this.deliveredTotal = new Counter({ name: 'conveyor_messages_delivered_total', help: 'Messages leased to consumers, redeliveries included.', labelNames: perSubscription, registers });
    this.ackedTotal = new Counter({ name: 'conveyor_messages_acked_total', help: 'Messages acknowledged.', labelNames: perSubscription, registers });
    this.nackedTotal = new Counter({ name: 'conveyor_messages_nacked_total', help: 'Messages given back by consumers.', labelNames: perSubscription, registers });
    this.deadLetteredTotal = new Counter({ name: 'conveyor_messages_dead_lettered_total', help: 'Messages moved to dead letters.', labelNames: perSubscription, registers });
    this.requestDuration = new Histogram({
      name: 'conveyor_http_request_duration_seconds',
      help: 'HTTP request latency by route template.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25],
      registers,
    });
    this.backlog = new Gauge({ name: 'conveyor_subscription_backlog', help: 'Messages ready for delivery.', labelNames: perSubscription, registers });
    this.inFlight = new Gauge({ name: 'conveyor_subscription_in_flight', help: 'Messages leased and not yet acked.', labelNames: perSubscription, registers });
    this.delayed = new Gauge({ name: 'conveyor_topic_delayed_messages', help: 'Messages waiting for their delivery time, not yet in the log.', labelNames: ['topic'], registers });
    this.oldestUnackedAge = new Gauge({
      name: 'conveyor_subscription_oldest_unacked_age_seconds',
      help: 'Age of the oldest message not yet acked or dead-lettered.',
      labelNames: perSubscription,
      registers,
    });
  }

  public readGaugesFrom(source: GaugeSource): void {
    this.source = source;
  }

  public published(topic: string, count: number): void {
    this.publishedTotal.inc({ topic }, count);
  }

  public delivered(topic: string, subscription: string, count: number): void {
    this.deliveredTotal.inc(this.perSubscription(topic, subscription), count);
  }

  public acked(topic: string, subscription: string, count: number): void {
    this.ackedTotal.inc(this.perSubscription(topic, subscription), count);
  }

  public nacked(topic: string, subscription: string, count: number): void {
    this.nackedTotal.inc(this.perSubscription(topic, subscription), count);
  }

  public deadLettered(topic: string, subscription: string, count: number): void {
    this.deadLetteredTotal.inc(this.perSubscription(topic, subscription), count);
  }

  /** Removes every series labelled with the topic, its subscriptions' included. */
  public topicDeleted(topic: string): void {
    this.publishedTotal.remove({ topic });
    for (const subscription of this.counted.get(topic) ?? []) this.subscriptionDeleted(topic, subscription);
    this.counted.delete(topic);
  }

  /** Removes every series labelled with the subscription. */
  public subscriptionDeleted(topic: string, subscription: string): void {
    for (const counter of [this.deliveredTotal, this.ackedTotal, this.nackedTotal, this.deadLetteredTotal]) counter.remove({ topic, subscription });
    this.counted.get(topic)?.delete(subscription);
  }

  public observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requestDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** The labels of a per-subscription counter, remembered so that a deletion finds the series. */
  private perSubscription(topic: string, subscription: string): { topic: string; subscription: string } {
    let subscriptions = this.counted.get(topic);
    if (subscriptions === undefined) this.counted.set(topic, (subscriptions = new Set()));
    subscriptions.add(subscription);
    return { topic, subscription };
  }

  /** The Prometheus text, with the gauges read fresh from the store. */
  public async exposition(): Promise<{ contentType: string; content: string }> {
    const { topics, subscriptions } = (await this.source?.snapshot()) ?? { topics: [], subscriptions: [] };
    for (const gauge of [this.delayed, this.backlog, this.inFlight, this.oldestUnackedAge]) gauge.reset();
    for (const row of topics) this.delayed.set({ topic: row.topic }, row.delayed);
    for (const row of subscriptions) {
      const labels = { topic: row.topic, subscription: row.subscription };
      this.backlog.set(labels, row.backlog);
      this.inFlight.set(labels, row.inFlight);
      this.oldestUnackedAge.set(labels, row.oldestUnackedAgeSeconds);
    }
    return { contentType: this.registry.contentType, content: await this.registry.metrics() };
  }
}
