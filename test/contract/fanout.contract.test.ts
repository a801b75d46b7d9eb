import { describeContract } from './harness/backends.js';
import { Difference } from './harness/differences.js';
import { idsOf, publishOk, retainedCount } from './harness/logFixtures.js';
import type { PublishInput } from './harness/Conveyor.js';
import { ackAll, addSubscription, countsOf, createQueue, drain, iso, labelled, labelsOf, pull, pullAll, SECOND, statsOf } from './harness/queueFixtures.js';

const DEFAULT_SETTINGS = {
  filter: null,
  ackDeadlineSeconds: 30,
  maxDeliveries: 5,
  retryBackoff: { minSeconds: 1, maxSeconds: 600 },
  ordered: false,
  startFrom: 'latest',
  deadLetterAlarm: true,
};
const EMPTY_STATS = { backlog: 0, inFlight: 0, delayed: 0, deadLetters: 0, oldestUnackedAgeSeconds: 0 };

/** The `aws` field a subscription has on the AWS backend (any queue of the deployment's prefix), and nothing elsewhere. */
const awsQueuesOn = (backend: string): object =>
  backend === 'aws'
    ? { aws: { queueArn: expect.stringMatching(/^arn:aws:sqs:.*:conveyor-s-/), queueUrl: expect.stringMatching(/\/conveyor-s-/), deadLetterQueueArn: expect.stringMatching(/^arn:aws:sqs:.*-dlq$/) } }
    : {};

/** One message recognisable by `label`, with routing fields to filter on. */
const msg = (label: string, routing: Omit<PublishInput, 'body'> = {}, fields: Record<string, number> = {}): PublishInput => labelled([label], routing, fields)[0]!;

describeContract('Subscriptions and fan-out', (target, backend) => {
  describe('PUT /v1/topics/{topic}/subscriptions/{subscription}', () => {
    it('creates a subscription with the documented defaults and empty stats, answering 201', async () => {
      // Prepare
      target().clock.freeze();
      await target().api.createTopic('created');

      // Act
      const response = await target().api.createSubscription('created', 'worker');

      // Assess
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ topic: 'created', name: 'worker', ...DEFAULT_SETTINGS, createdAt: iso(target().clock.now()), stats: EMPTY_STATS, ...awsQueuesOn(backend.name) });
    });

    it('names the queue, its URL and the dead-letter queue on the AWS backend only, in the answer and on GET, so consumers outside the API can attach', async () => {
      // Prepare
      await target().api.createTopic('attachable');

      // Act
      const created = await target().api.createSubscription('attachable', 'worker', { ordered: true });
      const described = await target().api.getSubscription('attachable', 'worker');

      // Assess
      expect(created.body.aws).toEqual(described.body.aws);
      if (backend.name === 'aws') {
        expect(described.body.aws).toEqual({
          queueArn: expect.stringMatching(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:conveyor-s-[0-9a-f]{20}\.fifo$/),
          queueUrl: expect.stringMatching(/\/conveyor-s-[0-9a-f]{20}\.fifo$/),
          deadLetterQueueArn: expect.stringMatching(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:conveyor-s-[0-9a-f]{20}-dlq\.fifo$/),
        });
        expect(described.body.aws?.queueArn.split(':').pop()).toBe(described.body.aws?.queueUrl.split('/').pop());
      } else {
        expect(described.body).not.toHaveProperty('aws');
      }
    });

    it('answers 200 when the subscription exists with the same settings, defaults spelled out or not', async () => {
      // Prepare
      await createQueue(target().api, 'same', { maxDeliveries: 3 });

      // Act
      const response = await target().api.createSubscription('same', 'worker', { maxDeliveries: 3, ackDeadlineSeconds: 30, startFrom: 'latest' });

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ ...DEFAULT_SETTINGS, maxDeliveries: 3 });
    });

    it.each([
      { case: 'another maxDeliveries', topic: 'conflict-max', settings: { maxDeliveries: 4 } },
      { case: 'another filter', topic: 'conflict-filter', settings: { maxDeliveries: 3, filter: { key: ['x'] } } },
      { case: 'ordered instead of unordered', topic: 'conflict-ordered', settings: { maxDeliveries: 3, ordered: true } },
      { case: 'no dead-letter alarm instead of one', topic: 'conflict-alarm', settings: { maxDeliveries: 3, deadLetterAlarm: false } },
    ])('answers 409 Conflict for $case and keeps the original settings', async ({ topic, settings }) => {
      // Prepare
      await createQueue(target().api, topic, { maxDeliveries: 3 });

      // Act
      const response = await target().api.createSubscription(topic, 'worker', settings);

      // Assess
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('Conflict');
      expect((await target().api.getSubscription(topic, 'worker')).body).toMatchObject({ maxDeliveries: 3, filter: null, ordered: false });
    });

    it.each([
      { case: 'a leaf that is not an array', filter: { key: 'x' } },
      { case: 'an unknown operator', filter: { key: [{ regex: '.*' }] } },
      { case: 'a numeric range without operand', filter: { body: { total: [{ numeric: ['>'] }] } } },
      { case: 'an empty pattern', filter: {} },
      { case: '$or with one alternative', filter: { $or: [{ key: ['x'] }] } },
    ])('rejects $case with 400 InvalidFilter and creates nothing', async ({ filter }) => {
      // Prepare
      await target().api.createTopic('bad-filters');

      // Act
      const response = await target().api.createSubscription('bad-filters', 'filtered', { filter });

      // Assess
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('InvalidFilter');
      expect((await target().api.getSubscription('bad-filters', 'filtered')).status).toBe(404);
    });
  });

  describe('GET, list and DELETE', () => {
    it('answers 404 SubscriptionNotFound for an unknown subscription and TopicNotFound for an unknown topic', async () => {
      // Prepare
      await target().api.createTopic('lookups');

      // Act
      const unknownSubscription = await target().api.getSubscription('lookups', 'nobody');
      const unknownTopic = await target().api.getSubscription('no-such-topic', 'nobody');

      // Assess
      expect([unknownSubscription.status, unknownSubscription.body.error.code]).toEqual([404, 'SubscriptionNotFound']);
      expect([unknownTopic.status, unknownTopic.body.error.code]).toEqual([404, 'TopicNotFound']);
    });

    it('lists every subscription of the topic with its settings and stats', async () => {
      // Prepare
      await createQueue(target().api, 'listed', {}, 'alpha');
      await addSubscription(target().api, { topic: 'listed', subscription: 'beta' }, { filter: { key: ['b'] } });
      await publishOk(target().api, 'listed', [msg('one', { key: 'a' })]);

      // Act
      const response = await target().api.listSubscriptions('listed');

      // Assess
      expect(response.status).toBe(200);
      const byName = [...response.body.subscriptions].sort((a, b) => a.name.localeCompare(b.name));
      expect(byName.map(({ name, filter, stats }) => ({ name, filter, backlog: stats.backlog }))).toEqual([
        { name: 'alpha', filter: null, backlog: 1 },
        { name: 'beta', filter: { key: ['b'] }, backlog: 0 },
      ]);
    });

    it('deletes with 204, then answers 404, and keeps the topic and its log', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'deleted', {}, 'gone');
      await publishOk(target().api, 'deleted', [msg('kept', { key: 'k' })]);

      // Act
      const deleted = await target().api.deleteSubscription('deleted', 'gone');

      // Assess
      expect(deleted.status).toBe(204);
      expect((await target().api.getSubscription('deleted', 'gone')).status).toBe(404);
      expect((await target().api.deleteSubscription('deleted', 'gone')).status).toBe(404);
      expect((await target().api.pull(queue.topic, queue.subscription)).status).toBe(404);
      expect(await retainedCount(target().api, 'deleted')).toBe(1);
    });

    it('invalidates outstanding ack ids: a re-created subscription of the same name refuses them', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'recreated');
      await publishOk(target().api, 'recreated', labelled(['first']));
      const [delivery] = await pull(target().api, queue);
      await target().api.deleteSubscription('recreated', 'worker');
      await addSubscription(target().api, queue);

      // Act
      const response = await target().api.ack('recreated', 'worker', [delivery!.ackId]);

      // Assess
      expect(response.body).toEqual({ acked: 0, notAcked: 1, failed: [{ ackId: delivery!.ackId, code: 'InvalidAckId' }] });
    });
  });

  describe('fan-out', () => {
    it('gives every subscription its own copy of one published message, acked independently', async () => {
      // Prepare: "User Signed Up" feeds the welcome email, the profile and analytics
      const email = await createQueue(target().api, 'user-events', {}, 'welcome-email');
      const profile = await addSubscription(target().api, { topic: 'user-events', subscription: 'create-profile' });
      const analytics = await addSubscription(target().api, { topic: 'user-events', subscription: 'analytics' }, { retryBackoff: { minSeconds: 0 } });
      const [id] = idsOf(await publishOk(target().api, 'user-events', [{ attributes: { type: 'UserSignedUp' }, body: { label: 'ada', email: 'ada@example.com' } }]));

      // Act
      const [forEmail, forProfile, forAnalytics] = await Promise.all([email, profile, analytics].map((queue) => pull(target().api, queue)));
      await ackAll(target().api, email, forEmail!);
      await target().api.nack('user-events', 'analytics', [forAnalytics![0]!.ackId]);

      // Assess
      const copies = [forEmail!, forProfile!, forAnalytics!].map((copy) => copy.map((m) => ({ id: m.id, attempt: m.deliveryAttempt })));
      expect(copies).toEqual([[{ id, attempt: 1 }], [{ id, attempt: 1 }], [{ id, attempt: 1 }]]);
      expect(new Set([forEmail![0]!.ackId, forProfile![0]!.ackId, forAnalytics![0]!.ackId]).size).toBe(3);
      expect(await pull(target().api, email)).toEqual([]);
      expect(await countsOf(target().api, profile)).toEqual({ backlog: 0, inFlight: 1, delayed: 0, deadLetters: 0 });
      expect((await pull(target().api, analytics)).map((m) => [m.id, m.deliveryAttempt])).toEqual([[id, 2]]);
    });

    it('does not give a new subscription the messages published before it (startFrom latest)', async () => {
      // Prepare
      await target().api.createTopic('late-joiner');
      await publishOk(target().api, 'late-joiner', labelled(['before-1', 'before-2']));
      const queue = await addSubscription(target().api, { topic: 'late-joiner', subscription: 'worker' });
      await publishOk(target().api, 'late-joiner', labelled(['after']));

      // Act
      const consumed = await drain(target().api, queue);

      // Assess
      expect(consumed).toEqual(['after']);
    });

    it('gives a subscription with startFrom earliest every retained message that matches its filter', async () => {
      // Prepare
      await target().api.createTopic('replayed');
      await publishOk(target().api, 'replayed', [msg('old-eu', { attributes: { region: 'eu' } }), msg('old-us', { attributes: { region: 'us' } }), msg('old-eu-2', { attributes: { region: 'eu' } })]);
      const queue = await addSubscription(target().api, { topic: 'replayed', subscription: 'eu' }, { startFrom: 'earliest', filter: { attributes: { region: ['eu'] } } });
      await publishOk(target().api, 'replayed', [msg('new-eu', { attributes: { region: 'eu' } })]);

      // Act
      const consumed = await drain(target().api, queue);

      // Assess
      expect(consumed.sort()).toEqual(['new-eu', 'old-eu', 'old-eu-2']);
    });
  });

  describe('filters (RabbitMQ exchange styles as event patterns)', () => {
    it.each([
      { case: 'fanout: no filter', filter: null, matching: [msg('a', { key: 'x' }), msg('b')], other: [] },
      { case: 'direct: exact key', filter: { key: ['x'] }, matching: [msg('x', { key: 'x' })], other: [msg('y', { key: 'y' }), msg('none'), msg('xx', { key: 'xx' })] },
      {
        case: 'topic: key wildcard',
        filter: { key: [{ wildcard: 'orders.*.created' }] },
        matching: [msg('eu', { key: 'orders.eu.created' }), msg('us', { key: 'orders.us.created' })],
        other: [msg('shipped', { key: 'orders.eu.shipped' }), msg('payment', { key: 'payments.eu.created' })],
      },
      {
        case: 'headers: attribute value',
        filter: { attributes: { region: ['eu'] } },
        matching: [msg('eu', { attributes: { region: 'eu', tier: 'gold' } })],
        other: [msg('us', { attributes: { region: 'us' } }), msg('bare')],
      },
      {
        case: 'body: numeric range on body.total',
        filter: { body: { total: [{ numeric: ['>=', 100, '<', 500] }] } },
        matching: [msg('100', {}, { total: 100 }), msg('499.5', {}, { total: 499.5 })],
        other: [msg('99', {}, { total: 99 }), msg('500', {}, { total: 500 }), msg('no-total')],
      },
      {
        case: '$or: vip key or a large total',
        filter: { $or: [{ key: ['vip'] }, { body: { total: [{ numeric: ['>', 1000] }] } }] },
        matching: [msg('vip-small', { key: 'vip' }, { total: 1 }), msg('big', { key: 'regular' }, { total: 5000 })],
        other: [msg('regular-small', { key: 'regular' }, { total: 10 })],
      },
      {
        case: 'keyless: key does not exist',
        filter: { key: [{ exists: false }] },
        matching: [msg('bare'), msg('attributed', { attributes: { region: 'eu' } })],
        other: [msg('keyed', { key: 'a' }), msg('empty-key', { key: '' })],
      },
      {
        case: 'keyed: key anything but a',
        filter: { key: [{ 'anything-but': ['a'] }] },
        matching: [msg('b', { key: 'b' })],
        other: [msg('a', { key: 'a' }), msg('bare')],
      },
      {
        case: 'unattributed: attribute region does not exist',
        filter: { attributes: { region: [{ exists: false }] } },
        matching: [msg('bare'), msg('other-attribute', { attributes: { tier: 'gold' } })],
        other: [msg('eu', { attributes: { region: 'eu' } })],
      },
    ])('delivers only the matching messages for $case', async ({ case: name, filter, matching, other }) => {
      // Prepare
      const topic = `filter-${name.split(':')[0]!.replace('$', '')}`;
      const queue = await createQueue(target().api, topic, { filter });
      await publishOk(target().api, topic, [...other, ...matching]);

      // Act
      const deliveries = await pullAll(target().api, queue);

      // Assess
      expect(labelsOf(deliveries).sort()).toEqual(labelsOf(matching).sort());
    });
  });

  describe('stats', () => {
    backend.itUnless(Difference.ApproximateStats)('counts backlog, in-flight, delayed and dead letters as messages are published, pulled, acked and nacked', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'counted', { maxDeliveries: 2 });
      await publishOk(target().api, 'counted', labelled(['a', 'b', 'c', 'd']));
      const published = await countsOf(target().api, queue);

      // Act
      const [a, b, c] = await pull(target().api, queue, { max: 3 });
      const pulled = await countsOf(target().api, queue);
      await ackAll(target().api, queue, [a!]);
      await target().api.nack('counted', 'worker', [b!.ackId], { delaySeconds: 60 });
      const settled = await countsOf(target().api, queue);
      await target().api.nack('counted', 'worker', [c!.ackId], { delaySeconds: 0 });
      const retried = await pull(target().api, queue);
      await target().api.nack('counted', 'worker', retried.filter((m) => m.id === c!.id).map((m) => m.ackId));
      await ackAll(target().api, queue, retried.filter((m) => m.id !== c!.id));
      const deadLettered = await countsOf(target().api, queue);

      // Assess
      expect(published).toEqual({ backlog: 4, inFlight: 0, delayed: 0, deadLetters: 0 });
      expect(pulled).toEqual({ backlog: 1, inFlight: 3, delayed: 0, deadLetters: 0 });
      expect(settled).toEqual({ backlog: 1, inFlight: 1, delayed: 1, deadLetters: 0 });
      expect(labelsOf(retried).sort()).toEqual(['c', 'd']);
      expect(deadLettered).toEqual({ backlog: 0, inFlight: 0, delayed: 1, deadLetters: 1 });
    });

    backend.itUnless(Difference.ApproximateStats)('reports the age of the oldest unacked message, and 0 once everything is acked', async () => {
      // Prepare: only `advance` moves the clock, so the age is exactly the jump
      target().clock.freeze();
      const queue = await createQueue(target().api, 'aged');
      await publishOk(target().api, 'aged', labelled(['old']));
      await target().advance(90 * SECOND);

      // Act
      const waiting = await statsOf(target().api, queue);
      await drain(target().api, queue);
      const done = await statsOf(target().api, queue);

      // Assess
      expect(waiting).toEqual({ backlog: 1, inFlight: 0, delayed: 0, deadLetters: 0, oldestUnackedAgeSeconds: 90 });
      expect(done).toEqual(EMPTY_STATS);
    });
  });
});
