import { requireStatus } from './harness/ApiClient.js';
import { describeContract } from './harness/backends.js';
import { Difference } from './harness/differences.js';
import type { Conveyor } from './harness/Conveyor.js';
import { publishOk } from './harness/logFixtures.js';
import { parseExposition, samplesOf, valueOf, type Exposition } from './harness/prometheus.js';

const PUBLISH_ROUTE = '/v1/topics/{topic}/messages';
const HISTOGRAM = 'conveyor_http_request_duration_seconds';
const COUNTERS = [
  'conveyor_messages_published_total',
  'conveyor_messages_delivered_total',
  'conveyor_messages_acked_total',
  'conveyor_messages_nacked_total',
  'conveyor_messages_dead_lettered_total',
] as const;
const GAUGES = ['conveyor_subscription_backlog', 'conveyor_subscription_in_flight', 'conveyor_subscription_oldest_unacked_age_seconds', 'conveyor_topic_delayed_messages'] as const;

async function scrape(api: Conveyor): Promise<Exposition> {
  return parseExposition(requireStatus('GET /metrics', await api.http.get<string>('/metrics')));
}

/** A topic with a subscription that dead-letters on the first failure, and a subscription whose filter matches nothing. */
async function meteredTopic(api: Conveyor, topic: string): Promise<void> {
  await api.createTopic(topic, { partitions: 1 });
  await api.createSubscription(topic, 'worker', { ackDeadlineSeconds: 600, maxDeliveries: 1 });
  await api.createSubscription(topic, 'bystander', { filter: { attributes: { type: ['never-sent'] } } });
}

const bodies = (count: number, tag: string) => Array.from({ length: count }, (_, index) => ({ body: { tag, index } }));

describeContract('Operations', (target, backend) => {
  const api = (): Conveyor => target().api;

  describe('GET /healthz', () => {
    it('answers 200 {"status":"ok"} as JSON', async () => {
      // Act
      const response = await api().http.get('/healthz');

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.body).toEqual({ status: 'ok' });
    });
  });

  describe('GET /metrics', () => {
    it('answers Prometheus text format 0.0.4 in which every line parses', async () => {
      // Act
      const response = await api().http.get<string>('/metrics');

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain;\s*version=0\.0\.4/);
      expect(parseExposition(response.text).malformed).toEqual([]);
    });

    it('declares the documented counters, gauges and histogram with their types', async () => {
      // Prepare
      await meteredTopic(api(), 'typed');
      await publishOk(api(), 'typed', bodies(1, 'typed'));

      // Act
      const { types } = await scrape(api());

      // Assess
      expect(types).toMatchObject({
        ...Object.fromEntries(COUNTERS.map((name) => [name, 'counter'])),
        ...Object.fromEntries(GAUGES.map((name) => [name, 'gauge'])),
        [HISTOGRAM]: 'histogram',
      });
    });

    it('counts published, delivered, acked, nacked and dead-lettered messages per topic and subscription', async () => {
      // Prepare
      const topic = 'counted';
      await meteredTopic(api(), topic);
      await api().createTopic('counted-elsewhere', { partitions: 1 });
      await publishOk(api(), 'counted-elsewhere', bodies(4, 'elsewhere'));

      // Act
      await publishOk(api(), topic, bodies(3, 'first'));
      const pulled = (await api().pull(topic, 'worker', { max: 10 })).body.messages;
      await api().ack(topic, 'worker', pulled.slice(0, 2).map((m) => m.ackId));
      await api().nack(topic, 'worker', pulled.slice(2).map((m) => m.ackId), { reason: 'failed on purpose' });
      const metrics = await scrape(api());

      // Assess
      const worker = { topic, subscription: 'worker' };
      expect(pulled).toHaveLength(3);
      expect({
        published: valueOf(metrics, 'conveyor_messages_published_total', { topic }),
        publishedElsewhere: valueOf(metrics, 'conveyor_messages_published_total', { topic: 'counted-elsewhere' }),
        delivered: valueOf(metrics, 'conveyor_messages_delivered_total', worker),
        acked: valueOf(metrics, 'conveyor_messages_acked_total', worker),
        nacked: valueOf(metrics, 'conveyor_messages_nacked_total', worker),
        deadLettered: valueOf(metrics, 'conveyor_messages_dead_lettered_total', worker),
        deliveredToBystander: valueOf(metrics, 'conveyor_messages_delivered_total', { topic, subscription: 'bystander' }),
      }).toEqual({ published: 3, publishedElsewhere: 4, delivered: 3, acked: 2, nacked: 1, deadLettered: 1, deliveredToBystander: 0 });
    });

    it('counts redeliveries as deliveries', async () => {
      // Prepare
      const topic = 'redelivered';
      await api().createTopic(topic, { partitions: 1 });
      await api().createSubscription(topic, 'worker', { ackDeadlineSeconds: 600, maxDeliveries: 5 });
      await publishOk(api(), topic, bodies(1, 'again'));
      const first = (await api().pull(topic, 'worker')).body.messages;
      await api().nack(topic, 'worker', first.map((m) => m.ackId), { delaySeconds: 0 });

      // Act
      const second = (await api().pull(topic, 'worker')).body.messages;
      const metrics = await scrape(api());

      // Assess
      expect(second.map((m) => m.deliveryAttempt)).toEqual([2]);
      expect(valueOf(metrics, 'conveyor_messages_delivered_total', { topic, subscription: 'worker' })).toBe(2);
    });

    it('reports backlog, in-flight and oldest-unacked age per subscription', async () => {
      // Prepare: only `advance` moves the clock, so the age is exactly the jump
      target().clock.freeze();
      const topic = 'gauged';
      await meteredTopic(api(), topic);
      await publishOk(api(), topic, bodies(3, 'gauged'));
      await api().pull(topic, 'worker', { max: 1 });
      await target().advance(5000);

      // Act
      const metrics = await scrape(api());

      // Assess
      const worker = { topic, subscription: 'worker' };
      const bystander = { topic, subscription: 'bystander' };
      expect(valueOf(metrics, 'conveyor_subscription_backlog', worker)).toBe(2);
      expect(valueOf(metrics, 'conveyor_subscription_in_flight', worker)).toBe(1);
      if (!backend.differs(Difference.ApproximateStats)) expect(valueOf(metrics, 'conveyor_subscription_oldest_unacked_age_seconds', worker)).toBe(5);
      expect(samplesOf(metrics, 'conveyor_subscription_backlog', bystander).map((s) => s.value)).toEqual([0]);
      expect(valueOf(metrics, 'conveyor_subscription_oldest_unacked_age_seconds', bystander)).toBe(0);
    });

    it('agrees with the subscription stats of the API', async () => {
      // Prepare
      const topic = 'consistent';
      await meteredTopic(api(), topic);
      await publishOk(api(), topic, bodies(4, 'consistent'));
      await api().pull(topic, 'worker', { max: 3 });

      // Act
      const metrics = await scrape(api());
      const { stats } = (await api().getSubscription(topic, 'worker')).body;

      // Assess
      const worker = { topic, subscription: 'worker' };
      expect([valueOf(metrics, 'conveyor_subscription_backlog', worker), valueOf(metrics, 'conveyor_subscription_in_flight', worker)]).toEqual([
        stats.backlog,
        stats.inFlight,
      ]);
    });

    it('removes every series naming a topic once the topic is deleted, its subscriptions\' included', async () => {
      // Prepare
      const topic = 'forgotten';
      await meteredTopic(api(), topic);
      await publishOk(api(), topic, bodies(2, 'forgotten'));
      const pulled = (await api().pull(topic, 'worker', { max: 10 })).body.messages;
      await api().ack(topic, 'worker', pulled.slice(0, 1).map((m) => m.ackId));
      await api().nack(topic, 'worker', pulled.slice(1).map((m) => m.ackId), { reason: 'dead-lettered on purpose' });
      const before = (await scrape(api())).samples.filter((sample) => sample.labels['topic'] === topic);

      // Act
      requireStatus('deleting the topic', await api().deleteTopic(topic), 204);
      const after = (await scrape(api())).samples.filter((sample) => sample.labels['topic'] === topic);

      // Assess
      expect(new Set(before.map((sample) => sample.name))).toEqual(new Set([...COUNTERS, ...GAUGES]));
      expect(after).toEqual([]);
    });

    it('removes every series naming a subscription once it is deleted, and keeps its topic\'s', async () => {
      // Prepare
      const topic = 'unsubscribed';
      await meteredTopic(api(), topic);
      await publishOk(api(), topic, bodies(1, 'unsubscribed'));
      const pulled = (await api().pull(topic, 'worker')).body.messages;
      await api().ack(topic, 'worker', pulled.map((m) => m.ackId));

      // Act
      requireStatus('deleting the subscription', await api().deleteSubscription(topic, 'worker'), 204);
      const metrics = await scrape(api());

      // Assess
      expect(metrics.samples.filter((sample) => sample.labels['topic'] === topic && sample.labels['subscription'] === 'worker')).toEqual([]);
      expect(valueOf(metrics, 'conveyor_messages_published_total', { topic })).toBe(1);
      expect(samplesOf(metrics, 'conveyor_subscription_backlog', { topic, subscription: 'bystander' })).toHaveLength(1);
    });

    it('observes request latency in a histogram labelled with the route template', async () => {
      // Prepare
      const labels = { method: 'POST', route: PUBLISH_ROUTE, status: '200' };
      await api().createTopic('timed', { partitions: 1 });
      const countBefore = valueOf(await scrape(api()), `${HISTOGRAM}_count`, labels);
      await publishOk(api(), 'timed', bodies(2, 'timed'));

      // Act
      const metrics = await scrape(api());

      // Assess
      const buckets = samplesOf(metrics, `${HISTOGRAM}_bucket`, labels);
      const bounds = buckets.map((b) => Number(b.labels['le'] === '+Inf' ? Infinity : b.labels['le']));
      expect(buckets.length).toBeGreaterThan(1);
      expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
      expect(buckets.map((b) => b.value)).toEqual([...buckets.map((b) => b.value)].sort((a, b) => a - b));
      expect(buckets.at(-1)?.labels['le']).toBe('+Inf');
      expect(valueOf(metrics, `${HISTOGRAM}_count`, labels)).toBe(countBefore + 1);
      expect(buckets.at(-1)?.value).toBe(countBefore + 1);
      expect(samplesOf(metrics, `${HISTOGRAM}_sum`, labels)).toHaveLength(1);
    });

    it('never uses a concrete path as a route label, not even for an unknown path', async () => {
      // Prepare
      await api().createTopic('concrete-name', { partitions: 1 });
      await publishOk(api(), 'concrete-name', bodies(1, 'concrete'));
      expect((await api().http.get('/v1/no-such-route-xyz')).status).toBe(404);

      // Act
      const metrics = await scrape(api());

      // Assess
      const routes = new Set(samplesOf(metrics, `${HISTOGRAM}_count`).map((s) => s.labels['route'] ?? ''));
      expect(routes).toContain(PUBLISH_ROUTE);
      expect([...routes].filter((route) => route.includes('concrete-name') || route.includes('no-such-route-xyz'))).toEqual([]);
    });
  });
});
