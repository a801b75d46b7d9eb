// Samples one topic every few seconds for the live view: its partitions, its
// subscriptions' stats, and Conveyor's counters from /metrics.
//
// Where each number comes from, and why it is real:
// - Backlog, in flight, delayed, dead letters and oldest unacked age are the
//   subscriptions' stats (GET …/subscriptions), read from the store each time.
// - Publish rate: the increase of conveyor_messages_published_total{topic}
//   between two samples, over the time between them. The counter counts
//   messages accepted by this server process (duplicates excluded, delayed
//   ones when accepted); a restart resets it, which counterRate() handles.
// - Ack rate per subscription: the same from conveyor_messages_acked_total.
// - /metrics needs the `metrics` grant (or admin). Without it the publish rate
//   falls back to the growth of the partitions' next offsets, which counts
//   messages appended to the log (delayed ones when they come due, schedule
//   ticks too), and ack rates are not shown: no stat of the API counts acks.

import { api, ApiError } from './api.js';
import { ACKED, PUBLISHED, counterRate, parseExposition, total } from './metrics.js';

export const RateSource = { Metrics: 'metrics', Offsets: 'offsets' };

const appendedOf = (details) => details.stats.partitions.reduce((sum, partition) => sum + partition.nextOffset, 0);

export class TopicSampler {
  /** `onSample(sampler)` after every successful sample; `onError(error)` when the topic cannot be read. */
  constructor(topic, { intervalMs = 2000, keepSeconds = 600, onSample, onError }) {
    Object.assign(this, { topic, intervalMs, keepSeconds, onSample, onError });
    /** One entry per sample: `{ t, published, acked: {sub: rate}, backlog: {sub: n} }`, t in Unix seconds. */
    this.points = [];
    this.source = RateSource.Metrics;
    this.details = undefined;
    this.subscriptions = [];
    this.previous = undefined;
    this.timer = undefined;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    void this.loop();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Samples now (after a change the user made), without waiting for the next tick. */
  refresh() {
    clearTimeout(this.timer);
    void this.loop();
  }

  async loop() {
    if (this.running) return;
    this.running = true;
    try {
      await this.sample();
    } finally {
      this.running = false;
      if (!this.stopped) this.timer = setTimeout(() => void this.loop(), this.intervalMs);
    }
  }

  async readCounters() {
    if (this.source !== RateSource.Metrics) return undefined;
    try {
      return parseExposition(await api.metrics());
    } catch (error) {
      // Only a missing grant switches the source for good; anything else is tried again next time.
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) this.source = RateSource.Offsets;
      return undefined;
    }
  }

  async sample() {
    let details;
    let listing;
    let samples;
    try {
      [details, listing, samples] = await Promise.all([api.getTopic(this.topic), api.listSubscriptions(this.topic), this.readCounters()]);
    } catch (error) {
      this.onError?.(error);
      return;
    }
    if (this.stopped) return;
    const t = Date.now() / 1000;
    const current = {
      t,
      appended: appendedOf(details),
      published: samples === undefined ? undefined : total(samples, PUBLISHED, { topic: this.topic }),
      acked: Object.fromEntries(listing.subscriptions.map((s) => [s.name, samples === undefined ? undefined : total(samples, ACKED, { topic: this.topic, subscription: s.name })])),
    };
    const previous = this.previous;
    const seconds = previous === undefined ? 0 : t - previous.t;
    const point = {
      t,
      published:
        this.source === RateSource.Metrics ? counterRate(previous?.published, current.published, seconds) : counterRate(previous?.appended, current.appended, seconds),
      acked: Object.fromEntries(listing.subscriptions.map((s) => [s.name, counterRate(previous?.acked[s.name], current.acked[s.name], seconds)])),
      backlog: Object.fromEntries(listing.subscriptions.map((s) => [s.name, s.stats.backlog])),
    };
    this.previous = current;
    this.details = details;
    this.subscriptions = listing.subscriptions;
    this.points.push(point);
    while (this.points.length > 0 && this.points[0].t < t - this.keepSeconds) this.points.shift();
    this.onSample?.(this);
  }

  /** The latest publish rate, or null before two samples. */
  get publishRate() {
    return this.points.at(-1)?.published ?? null;
  }
}
