import { describeContract } from './harness/backends.js';
import type { ApiResponse } from './harness/ApiClient.js';
import type { Conveyor } from './harness/Conveyor.js';
import {
  BAD_FILTERS,
  GHOST,
  PHANTOM,
  SUBSCRIPTION_NOT_FOUND,
  TOPIC_NOT_FOUND,
} from './harness/badRequests.js';
import { expectApiError, expectRejectedWithoutChange } from './harness/expectations.js';
import { FIXTURE, FIXTURE_GROUPS, paths, SCHEDULE_INPUT, seedFixture, WORKER_SETTINGS } from './harness/seededFixture.js';
import { captureSnapshot } from './harness/snapshot.js';

type Send = (api: Conveyor) => Promise<ApiResponse<unknown>>;

const { topic, subscription } = FIXTURE;
const MIB = 1024 * 1024;
const json = { 'content-type': 'application/json' };

/** A publish request whose raw text is exactly `bytes` long. */
function publishTextOf(bytes: number): string {
  const frame = '{"messages":[{"body":""}]}';
  return `{"messages":[{"body":"${'x'.repeat(bytes - frame.length)}"}]}`;
}

const NAME_KINDS: ReadonlyArray<{ kind: string; send: (api: Conveyor, name: string) => Promise<ApiResponse<unknown>> }> = [
  { kind: 'topic', send: (api, name) => api.createTopic(name, { partitions: 1 }) },
  { kind: 'subscription', send: (api, name) => api.createSubscription(topic, name) },
  { kind: 'group', send: (api, name) => api.commitOffsets(topic, name, [{ partition: 0, offset: 0 }]) },
  { kind: 'schedule', send: (api, name) => api.putSchedule(name, SCHEDULE_INPUT) },
];
const BAD_NAMES = [
  { label: 'with a dot', name: 'with.dot' },
  { label: 'of 49 characters', name: 'n'.repeat(49) },
  { label: 'with a leading dash', name: '-leading' },
  { label: 'with a leading underscore', name: '_leading' },
  { label: 'of a single space', name: ' ' },
  { label: 'with a slash', name: 'a/b' },
  { label: 'with non-ASCII letters', name: 'naïve' },
];
const NAME_CASES = NAME_KINDS.flatMap(({ kind, send }) =>
  BAD_NAMES.map(({ label, name }) => ({ case: `a ${kind} name ${label}`, kind, name, send: (api: Conveyor) => send(api, name) })),
);

const CONFLICTS = [
  { case: 'a topic with other partitions', name: topic, send: (api: Conveyor) => api.createTopic(topic, { partitions: 3 }) },
  { case: 'a topic with other retention', name: topic, send: (api: Conveyor) => api.createTopic(topic, { partitions: FIXTURE.partitions, retentionHours: 1 }) },
  { case: 'a subscription with another ack deadline', name: subscription, send: (api: Conveyor) => api.createSubscription(topic, subscription, { ...WORKER_SETTINGS, ackDeadlineSeconds: 30 }) },
  { case: 'a subscription with another filter', name: FIXTURE.filtered, send: (api: Conveyor) => api.createSubscription(topic, FIXTURE.filtered, { filter: { key: ['x'] } }) },
  { case: 'a subscription re-created with defaults', name: subscription, send: (api: Conveyor) => api.createSubscription(topic, subscription) },
];

const WRONG_MEDIA_TYPES = [
  { case: 'publish as text/plain', type: 'text/plain', send: (api: Conveyor, headers: Record<string, string>) => api.http.post(paths.messages(), undefined, { rawBody: '{"messages":[{"body":1}]}', headers }) },
  { case: 'topic settings as a form', type: 'application/x-www-form-urlencoded', send: (api: Conveyor, headers: Record<string, string>) => api.http.put(paths.topic('never-created'), undefined, { rawBody: '{"partitions":2}', headers }) },
  { case: 'ack as text/plain', type: 'text/plain', send: (api: Conveyor, headers: Record<string, string>) => api.http.post(paths.action('ack'), undefined, { rawBody: '{"ackIds":["x"]}', headers }) },
  { case: 'schedule as XML', type: 'application/xml', send: (api: Conveyor, headers: Record<string, string>) => api.http.put(paths.schedule(), undefined, { rawBody: JSON.stringify(SCHEDULE_INPUT), headers }) },
];

describeContract('Errors', (target) => {
  const api = (): Conveyor => target().api;
  const rejects = (send: Send, status: number, code: string, mentions: readonly string[] = []): Promise<void> =>
    expectRejectedWithoutChange(api(), send, { status, code, mentions, groups: FIXTURE_GROUPS });

  beforeAll(async () => {
    await seedFixture(target().api);
  });

  describe('the seeded fixture', () => {
    it('starts from a fixture holding every kind of stored state, so "unchanged" means something', async () => {
      // Act
      const snapshot = await captureSnapshot(api(), FIXTURE_GROUPS);

      // Assess
      expect(snapshot.topics.map((t) => t.topic.name)).toEqual([FIXTURE.topic]);
      const [ledger] = snapshot.topics;
      expect(ledger?.partitions.flatMap((p) => p.messages)).toHaveLength(5);
      expect(ledger?.subscriptions.map((s) => s.subscription.stats)).toEqual([
        { backlog: 2, inFlight: 0, delayed: 0, deadLetters: 0 },
        { backlog: 2, inFlight: 2, delayed: 0, deadLetters: 1 },
      ]);
      expect(snapshot.schedules.map((schedule) => schedule.name)).toEqual([FIXTURE.schedule]);
      expect(snapshot.groups[0]?.partitions[0]?.committedOffset).toBe(1);
    });
  });

  describe('400 InvalidName', () => {
    it.each(NAME_CASES)('rejects $case and changes nothing', async ({ send, name, kind }) => {
      await rejects(send, 400, 'InvalidName', [kind, name]);
    });

    it.each([
      { case: 'reading a topic', send: (a: Conveyor) => a.getTopic('with.dot') },
      { case: 'reading a subscription', send: (a: Conveyor) => a.getSubscription('bad.topic', subscription) },
      { case: 'reading a schedule', send: (a: Conveyor) => a.getSchedule('-leading') },
    ])('answers InvalidName, not a 404, when $case by an invalid name', async ({ send }) => {
      expectApiError(await send(api()), 400, 'InvalidName');
    });

    it('accepts a name of exactly 48 characters', async () => {
      expect((await api().createTopic('n'.repeat(48), { partitions: 1 })).status).toBe(201);
    });
  });

  describe('400 InvalidFilter', () => {
    it.each(BAD_FILTERS)('rejects a filter with $case, names the problem and changes nothing', async ({ filter, mentions }) => {
      await rejects((a) => a.createSubscription(topic, 'filtered-new', { filter }), 400, 'InvalidFilter', mentions);
    });
  });

  describe('404 TopicNotFound', () => {
    it.each(TOPIC_NOT_FOUND)('answers $case on an unknown topic with TopicNotFound naming it', async ({ send }) => {
      await rejects(send, 404, 'TopicNotFound', [GHOST]);
    });
  });

  describe('404 SubscriptionNotFound', () => {
    it.each(SUBSCRIPTION_NOT_FOUND)('answers $case on an unknown subscription with SubscriptionNotFound naming it', async ({ send }) => {
      await rejects(send, 404, 'SubscriptionNotFound', [PHANTOM]);
    });
  });

  describe('404 ScheduleNotFound', () => {
    it.each([
      { case: 'get', send: (a: Conveyor) => a.getSchedule(PHANTOM) },
      { case: 'delete', send: (a: Conveyor) => a.deleteSchedule(PHANTOM) },
    ])('answers $case on an unknown schedule with ScheduleNotFound naming it', async ({ send }) => {
      await rejects(send, 404, 'ScheduleNotFound', [PHANTOM]);
    });
  });

  describe('409 Conflict', () => {
    it.each(CONFLICTS)('refuses $case and keeps the original', async ({ send, name }) => {
      await rejects(send, 409, 'Conflict', [name]);
    });
  });

  describe('413 PayloadTooLarge', () => {
    it('refuses a request body of 5 MiB + 1 byte', async () => {
      const text = publishTextOf(5 * MIB + 1);
      await rejects((a) => a.http.post(paths.messages(), undefined, { rawBody: text, headers: json }), 413, 'PayloadTooLarge', [String(5 * MIB)]);
    });

    it('refuses a subscription request body of 5 MiB + 1 byte', async () => {
      const [prefix, suffix] = ['{"filter":{"key":["', '"]}}'];
      const text = `${prefix}${'x'.repeat(5 * MIB + 1 - prefix.length - suffix.length)}${suffix}`;
      await rejects((a) => a.http.put(paths.subscription('huge'), undefined, { rawBody: text, headers: json }), 413, 'PayloadTooLarge');
    });

    it('refuses a message body over 256 KiB serialized, as documented for PayloadTooLarge, and stores nothing of the batch', async () => {
      const oversized = 'x'.repeat(256 * 1024 - 1); // 256 KiB + 1 byte once quoted
      await rejects((a) => a.publish(topic, [{ body: 'fine' }, { body: oversized }]), 413, 'PayloadTooLarge', [String(256 * 1024)]);
    });

    it('accepts a message body of exactly 256 KiB serialized', async () => {
      // Prepare
      await api().createTopic('big-bodies', { partitions: 1 });

      // Act
      const response = await api().publish('big-bodies', [{ body: 'x'.repeat(256 * 1024 - 2) }]);

      // Assess
      expect(response.status).toBe(200);
    });

    it('accepts a request body of exactly 5 MiB', async () => {
      // Prepare
      await api().createTopic('five-mib', { partitions: 1 });
      const bodies = Array.from({ length: 20 }, () => 'y'.repeat(250_000));
      const base = JSON.stringify({ messages: bodies.map((body) => ({ body })) });

      // Act
      const response = await api().http.post(paths.messages('five-mib'), undefined, { rawBody: base.padEnd(5 * MIB, ' '), headers: json });

      // Assess
      expect(response.status).toBe(200);
    });
  });

  describe('415 UnsupportedMediaType', () => {
    it.each(WRONG_MEDIA_TYPES)('refuses $case and changes nothing', async ({ send, type }) => {
      await rejects((a) => send(a, { 'content-type': type }), 415, 'UnsupportedMediaType', [type]);
    });
  });

  describe('404 NotFound and 405 MethodNotAllowed', () => {
    it.each([
      { case: 'GET /v1/nothing', method: 'GET', path: '/v1/nothing' },
      { case: 'GET /v2/topics', method: 'GET', path: '/v2/topics' },
      { case: 'GET /', method: 'GET', path: '/' },
      { case: 'POST /v1/topics/ledger/partitions', method: 'POST', path: `/v1/topics/${topic}/partitions` },
      { case: 'POST an unknown subscription action', method: 'POST', path: paths.action('purge') },
    ])('answers $case with NotFound', async ({ method, path }) => {
      await rejects((a) => a.http.request(method, path, method === 'GET' ? {} : { body: {} }), 404, 'NotFound', [path]);
    });

    it.each([
      { case: 'PATCH on a topic', method: 'PATCH', path: paths.topic() },
      { case: 'POST on a topic', method: 'POST', path: paths.topic() },
      { case: 'DELETE on the topic list', method: 'DELETE', path: '/v1/topics' },
      { case: 'GET on the publish route', method: 'GET', path: paths.messages() },
      { case: 'PUT on /healthz', method: 'PUT', path: '/healthz' },
      { case: 'DELETE on the schedule list', method: 'DELETE', path: '/v1/schedules' },
    ])('answers $case with MethodNotAllowed and changes nothing', async ({ method, path }) => {
      await rejects((a) => a.http.request(method, path, method === 'GET' || method === 'DELETE' ? {} : { body: { partitions: 8 } }), 405, 'MethodNotAllowed');
    });
  });

  // Delayed messages are invisible until due, so snapshots cannot see one stored by mistake:
  // this runs last, moves the clock past every delay the rejected publishes asked for, and looks.
  describe('delayed messages of rejected publishes', () => {
    it('stores none of them: past the longest delay, only the fixture reminder and schedule ticks arrive', async () => {
      // Prepare
      const idsInLog = async (): Promise<string[]> =>
        (await captureSnapshot(api())).topics.filter((t) => t.topic.name === topic).flatMap((t) => t.partitions.flatMap((p) => p.messages.map((m) => m.id)));
      const before = new Set(await idsInLog());
      const longest = Math.max(Date.parse('2030-01-02T00:00:00Z') - target().clock.now(), 31_536_001_000) + 86_400_000;

      // Act
      await target().advance(longest);
      await target().maintain();

      // Assess
      const arrived = (await idsInLog()).filter((id) => !before.has(id) && !id.startsWith(`${FIXTURE.schedule}@`));
      expect(arrived).toEqual(['reminder-1']);
    });
  });
});
