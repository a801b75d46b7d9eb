import type { SubscriptionView, TopicDetails } from '../../../../src/client/index.js';
import { metricSamples } from '../../../../src/cli/stats/prometheusCounters.js';
import { StatsSampler, viewOf, type StatsSource } from '../../../../src/cli/stats/StatsSampler.js';
import { subscriptionView } from '../../../helpers/subscriptionView.js';

function topicWith(nextOffsets: number[]): TopicDetails {
  // Topic stats as the API answers them, with the count of delayed messages it is gaining.
  const stats = { partitions: nextOffsets.map((nextOffset, partition) => ({ partition, oldestOffset: 1, nextOffset })), delayed: 0 };
  return { name: 'orders', partitions: nextOffsets.length, retentionHours: 168, dedupWindowSeconds: 3600, createdAt: '2026-01-01T00:00:00Z', stats };
}

function subscription(name: string, backlog: number): SubscriptionView {
  return subscriptionView({ name, createdAt: '2026-01-01T00:00:00Z', stats: { backlog, inFlight: 1, deadLetters: 2, oldestUnackedAgeSeconds: 4.5 } });
}

/** A source whose offsets and acked counters move as the spec says between samples. */
function sourceOf(samples: { offsets: number[]; acked: number | undefined }[]): StatsSource {
  let at = -1;
  return {
    getTopic: async () => topicWith(samples[(at += 1)]!.offsets),
    listSubscriptions: async () => ({ subscriptions: [subscription('billing', 7), subscription('shipping', 0)] }),
    getSubscription: async (_topic, name) => subscription(name, 7),
    metrics: async () => {
      const acked = samples[Math.max(at, 0)]!.acked;
      if (acked === undefined) throw new Error('403 Forbidden');
      return [
        '# TYPE conveyor_messages_acked_total counter',
        `conveyor_messages_acked_total{topic="orders",subscription="billing"} ${acked}`,
        'conveyor_messages_acked_total{subscription="billing",topic="other"} 999',
      ].join('\n');
    },
  };
}

describe('Class: StatsSampler and Function: viewOf', () => {
  it('shows counts without rates from one sample', async () => {
    // Prepare
    const sampler = new StatsSampler(sourceOf([{ offsets: [10, 20], acked: 5 }]), 'orders', undefined, () => 0);

    // Act
    const view = viewOf(await sampler.sample());

    // Assess
    expect(view).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      topic: 'orders',
      partitions: 2,
      retained: 28,
      publishedPerSecond: null,
      subscriptions: [
        { subscription: 'billing', backlog: 7, inFlight: 1, delayed: 0, deadLetters: 2, oldestUnackedAgeSeconds: 4.5, ackedPerSecond: null },
        { subscription: 'shipping', backlog: 0, inFlight: 1, delayed: 0, deadLetters: 2, oldestUnackedAgeSeconds: 4.5, ackedPerSecond: null },
      ],
    });
  });

  it('computes published per second from partition offsets and acked per second from the counters of its topic', async () => {
    // Prepare
    let now = 0;
    const sampler = new StatsSampler(sourceOf([{ offsets: [10, 20], acked: 5 }, { offsets: [20, 30], acked: 9 }]), 'orders', undefined, () => now);
    const first = await sampler.sample();
    now = 2000;

    // Act
    const view = viewOf(await sampler.sample(), first);

    // Assess
    expect(view.publishedPerSecond).toBe(10);
    expect(view.subscriptions.map((row) => [row.subscription, row.ackedPerSecond])).toEqual([['billing', 2], ['shipping', 0]]);
  });

  it('leaves acked rates out when /metrics cannot be read, and still shows the rest', async () => {
    // Prepare
    let now = 0;
    const sampler = new StatsSampler(sourceOf([{ offsets: [1], acked: undefined }, { offsets: [3], acked: undefined }]), 'orders', 'billing', () => now);
    const first = await sampler.sample();
    now = 1000;

    // Act
    const view = viewOf(await sampler.sample(), first);

    // Assess
    expect(view.publishedPerSecond).toBe(2);
    expect(view.subscriptions).toEqual([expect.objectContaining({ subscription: 'billing', ackedPerSecond: null })]);
  });
});

describe('Function: metricSamples', () => {
  it('reads the labels and values of one metric, escapes included, and skips the rest', () => {
    // Prepare
    const text = ['# HELP x', 'conveyor_messages_acked_total{topic="a\\"b",subscription="s"} 3', 'conveyor_messages_acked_total_other 1', 'conveyor_messages_acked_total 7', 'conveyor_messages_acked_total{topic="c"} NaN-ish'].join('\n');

    // Act
    const samples = metricSamples(text, 'conveyor_messages_acked_total');

    // Assess
    expect(samples).toEqual([
      { labels: { topic: 'a"b', subscription: 's' }, value: 3 },
      { labels: {}, value: 7 },
    ]);
  });
});
