import type { SubscriptionView, TopicDetails } from '../../client/index.js';
import { metricSamples } from './prometheusCounters.js';

/** Calls StatsSampler makes: the client's getTopic, listSubscriptions, getSubscription and metrics. */
export interface StatsSource {
  getTopic(topic: string): Promise<TopicDetails>;
  listSubscriptions(topic: string): Promise<{ subscriptions: SubscriptionView[] }>;
  getSubscription(topic: string, subscription: string): Promise<SubscriptionView>;
  metrics(): Promise<string>;
}

/** A topic and its subscriptions at one moment. */
export interface StatsSample {
  readonly at: number;
  readonly topic: TopicDetails;
  readonly subscriptions: readonly SubscriptionView[];
  /** `conveyor_messages_acked_total` per subscription name; undefined when /metrics could not be read (no grant, or not served). */
  readonly acked: ReadonlyMap<string, number> | undefined;
}

/** One subscription's line of the view. */
export interface SubscriptionRow {
  readonly subscription: string;
  readonly backlog: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly deadLetters: number;
  readonly oldestUnackedAgeSeconds: number;
  /** Acks per second since the previous sample; null on the first sample or without metrics. */
  readonly ackedPerSecond: number | null;
}

/** What `conveyor stats` shows for one sample. */
export interface StatsView {
  readonly time: string;
  readonly topic: string;
  readonly partitions: number;
  /** Messages the partitions hold now (within retention). */
  readonly retained: number;
  /** Messages appended per second since the previous sample (partition offsets); null on the first sample. */
  readonly publishedPerSecond: number | null;
  readonly subscriptions: readonly SubscriptionRow[];
}

const ACKED = 'conveyor_messages_acked_total';

/** Messages ever appended to a topic's partitions: the sum of their next offsets. */
function appended(topic: TopicDetails): number {
  return topic.stats.partitions.reduce((sum, p) => sum + p.nextOffset, 0);
}

function perSecond(now: number | undefined, before: number | undefined, seconds: number): number | null {
  if (now === undefined || before === undefined || seconds <= 0) return null;
  return Math.max(now - before, 0) / seconds;
}

/**
 * Samples a topic (and one or all of its subscriptions) and turns successive
 * samples into a view with rates: published per second from the partitions'
 * offsets (what the log gained, as every backend reports it), acked per
 * second from `/metrics` counters (per process: on AWS each API container
 * counts its own, so that rate is the embedded broker's).
 *
 * @example
 * const sampler = new StatsSampler(client, 'orders', 'billing');
 * const first = await sampler.sample();
 * const view = viewOf(await sampler.sample(), first);
 */
export class StatsSampler {
  private metricsUnavailable = false;

  public constructor(
    private readonly source: StatsSource,
    private readonly topic: string,
    private readonly subscription?: string,
    private readonly now: () => number = Date.now,
  ) {}

  public async sample(): Promise<StatsSample> {
    const [topic, subscriptions, acked] = await Promise.all([
      this.source.getTopic(this.topic),
      this.subscription === undefined ? this.source.listSubscriptions(this.topic).then((list) => list.subscriptions) : this.source.getSubscription(this.topic, this.subscription).then((one) => [one]),
      this.ackedCounters(),
    ]);
    return { at: this.now(), topic, subscriptions, acked };
  }

  /** The acked counters, or undefined once /metrics has failed (it is not asked again). */
  private async ackedCounters(): Promise<Map<string, number> | undefined> {
    if (this.metricsUnavailable) return undefined;
    let text: string;
    try {
      text = await this.source.metrics();
    } catch {
      this.metricsUnavailable = true;
      return undefined;
    }
    const bySubscription = new Map<string, number>();
    for (const { labels, value } of metricSamples(text, ACKED)) {
      if (labels.topic === this.topic && labels.subscription !== undefined) bySubscription.set(labels.subscription, value);
    }
    return bySubscription;
  }
}

/**
 * A sample as the view shows it, with rates against `previous` when given.
 * A subscription no counter names yet has acked nothing (counters start at
 * their first increment).
 */
export function viewOf(sample: StatsSample, previous?: StatsSample): StatsView {
  const seconds = previous === undefined ? 0 : (sample.at - previous.at) / 1000;
  return {
    time: new Date(sample.at).toISOString(),
    topic: sample.topic.name,
    partitions: sample.topic.partitions,
    retained: sample.topic.stats.partitions.reduce((sum, p) => sum + (p.nextOffset - p.oldestOffset), 0),
    publishedPerSecond: previous === undefined ? null : perSecond(appended(sample.topic), appended(previous.topic), seconds),
    subscriptions: sample.subscriptions.map((subscription) => ({
      subscription: subscription.name,
      ...subscription.stats,
      ackedPerSecond:
        previous === undefined || sample.acked === undefined || previous.acked === undefined
          ? null
          : perSecond(sample.acked.get(subscription.name) ?? 0, previous.acked.get(subscription.name) ?? 0, seconds),
    })),
  };
}
