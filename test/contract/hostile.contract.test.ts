import { describeContract } from './harness/backends.js';
import type { ApiResponse } from './harness/ApiClient.js';
import type { Conveyor } from './harness/Conveyor.js';
import { expectApiError, expectRejectedWithoutChange } from './harness/expectations.js';
import type { RawRequest } from './harness/rawHttp.js';
import { FIXTURE, FIXTURE_GROUPS, paths, seedFixture } from './harness/seededFixture.js';

type Send = (api: Conveyor) => Promise<ApiResponse<unknown>>;

const { topic, subscription } = FIXTURE;
const KIB = 1024;
const json = { 'content-type': 'application/json' };

/** A request sent byte for byte (no client normalizes its path), read back as the other specs read answers. */
const raw =
  (request: RawRequest): Send =>
  async (api) => {
    const answer = await api.http.raw(request);
    const text = answer.body.toString('utf8');
    const isJson = (answer.headers['content-type'] ?? '').includes('application/json');
    return { status: answer.status, text, body: isJson && text !== '' ? (JSON.parse(text) as unknown) : text, headers: new Headers(answer.headers) };
  };

/** `[[[…]]]` nested `depth` arrays deep, as JSON text. */
const nestedText = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/**
 * Paths that must never reach another route. Each once reached one: `new URL()`
 * collapsed `..` and `%2e%2e` and read `//x` as a host, so these deleted the
 * whole topic or acted on the fixture's subscription.
 */
const HOSTILE_PATHS = [
  { case: 'an encoded dot-dot subscription', method: 'DELETE', target: `/v1/topics/${topic}/subscriptions/%2e%2e` },
  { case: 'a dot-dot subscription in mixed case', method: 'DELETE', target: `/v1/topics/${topic}/subscriptions/%2E%2e` },
  { case: 'a raw dot-dot subscription', method: 'DELETE', target: `/v1/topics/${topic}/subscriptions/..` },
  { case: 'a half-encoded dot-dot', method: 'DELETE', target: `/v1/topics/${topic}/subscriptions/.%2e` },
  { case: 'a double-encoded dot-dot', method: 'DELETE', target: `/v1/topics/${topic}/subscriptions/%252e%252e` },
  { case: 'a single dot segment', method: 'DELETE', target: `/v1/topics/${topic}/subscriptions/./` },
  { case: 'a leading //x read as a host', method: 'DELETE', target: `//x/v1/topics/${topic}` },
  { case: 'a leading //', method: 'DELETE', target: `//v1/topics/${topic}` },
  { case: 'an empty segment', method: 'DELETE', target: `/v1/topics//${topic}` },
  { case: 'a dot-dot after the subscription', method: 'POST', target: `/v1/topics/${topic}/subscriptions/${subscription}/%2e%2e/dead-letters/redrive` },
  { case: 'an absolute URL as target', method: 'DELETE', target: `http://localhost/v1/topics/${topic}` },
  { case: 'an encoded NUL', method: 'DELETE', target: `/v1/topics/${topic}%00` },
  { case: 'a trailing slash', method: 'DELETE', target: `/v1/topics/${topic}/` },
  { case: 'a trailing slash on a list', method: 'GET', target: '/v1/schedules/' },
] as const;

/** Fields outside `body` have known shapes: any depth there is refused with 400, without serializing it. */
const DEEP_FIELDS = [
  { case: 'partitions', send: raw({ method: 'PUT', target: paths.topic('deep-one'), headers: json, body: `{"partitions":${nestedText(4100)}}` }), mentions: ['partitions'] },
  { case: 'a subscription filter', send: raw({ method: 'PUT', target: paths.subscription('deep-one'), headers: json, body: `{"filter":{"key":${nestedText(4100)}}}` }), mentions: ['filter'], code: 'InvalidFilter' },
  { case: 'a message key', send: raw({ method: 'POST', target: paths.messages(), headers: json, body: `{"messages":[{"body":1,"key":${nestedText(4100)}}]}` }), mentions: ['key'] },
  { case: 'attributes', send: raw({ method: 'POST', target: paths.messages(), headers: json, body: `{"messages":[{"body":1,"attributes":{"a":${nestedText(4100)}}}]}` }), mentions: ['attributes'] },
  { case: 'ack ids', send: raw({ method: 'POST', target: paths.action('ack'), headers: json, body: `{"ackIds":${nestedText(4100)}}` }), mentions: ['ackIds'] },
  { case: 'the top level', send: raw({ method: 'PUT', target: paths.topic('deep-one'), headers: json, body: nestedText(4100) }), mentions: ['body'] },
] as const;

/** A present body must be an object where the operation takes one: `null`, arrays and scalars are not "no body". */
const NOT_OBJECTS = ['null', '[]', '[{}]', '"{}"', '0', 'true'] as const;
const OBJECT_BODY_OPERATIONS = [
  { case: 'delete dead letters', method: 'DELETE', target: paths.action('dead-letters') },
  { case: 'redrive dead letters', method: 'POST', target: paths.action('dead-letters/redrive') },
  { case: 'create a topic', method: 'PUT', target: paths.topic('from-null') },
  { case: 'create a subscription', method: 'PUT', target: paths.subscription('from-null') },
  { case: 'pull', method: 'POST', target: paths.action('pull') },
  { case: 'publish', method: 'POST', target: paths.messages() },
  { case: 'ack', method: 'POST', target: paths.action('ack') },
  { case: 'put a schedule', method: 'PUT', target: paths.schedule('from-null') },
] as const;
/** Every shape on the operation that once deleted everything with `null`; the three kinds (null, array, scalar) on the rest. */
const NOT_OBJECT_CASES = OBJECT_BODY_OPERATIONS.flatMap((operation, index) =>
  (index === 0 ? NOT_OBJECTS : (['null', '[]', '0'] as const)).map((text) => ({ ...operation, text, label: `${operation.case} with body ${text}` })),
);

/** Timestamps that name no real instant; Date would roll the first ones forward. */
const IMPOSSIBLE_TIMES = ['2027-02-31T00:00:00Z', '2024-02-30T12:00:00Z', '2023-02-29T00:00:00Z', '2027-04-31T00:00:00Z', '2027-01-01T24:00:00Z', '2027-01-01T12:60:00Z', '2016-12-31T23:59:60Z', '2027-00-10T00:00:00Z', '2027-01-01T00:00:00+24:00'] as const;

describeContract('Hostile requests', (target) => {
  const api = (): Conveyor => target().api;
  const rejects = (send: Send, status: number, code: string, mentions: readonly string[] = []): Promise<void> =>
    expectRejectedWithoutChange(api(), send, { status, code, mentions, groups: FIXTURE_GROUPS });

  beforeAll(async () => {
    await seedFixture(target().api);
  });

  describe('paths are routed exactly as sent', () => {
    it.each(HOSTILE_PATHS)('refuses $case with 400 InvalidName, and no topic or subscription is touched', async ({ method, target: path }) => {
      await rejects(raw({ method, target: path }), 400, 'InvalidName', ['path']);
    });
  });

  describe('deep nesting outside body', () => {
    it.each(DEEP_FIELDS)('refuses 4,100 levels of arrays in $case with 400, naming the field', async (field) => {
      await rejects(field.send, 400, 'code' in field ? field.code : 'InvalidRequest', field.mentions);
    });

    it('accepts a body nested 64 levels deep, and fans it out through filters to reads and pulls unchanged', async () => {
      // Prepare
      const deepest = JSON.parse(nestedText(63).replace('[]', '[{"leaf":true}]')) as unknown;
      await api().createTopic('deep-bodies', { partitions: 1 });
      await api().createSubscription('deep-bodies', 'filtered', { filter: { body: { missing: [{ exists: false }] } } });

      // Act
      const published = await api().publish('deep-bodies', [{ id: 'deepest', body: deepest as never, attributes: { kind: 'deep' } }]);
      await target().maintain();
      const read = await api().read('deep-bodies', 0);
      const pulled = await api().pull('deep-bodies', 'filtered', { max: 1 });

      const acked = await api().ack('deep-bodies', 'filtered', pulled.body.messages.map((message) => message.ackId));

      // Assess
      expect(published.status).toBe(200);
      expect(read.body.messages.map((message) => message.body)).toEqual([deepest]);
      expect(pulled.body.messages.map((message) => message.body)).toEqual([deepest]);
      expect(acked.body).toMatchObject({ acked: 1 });
    });
  });

  describe('null, arrays and scalars are not "no body"', () => {
    it.each(NOT_OBJECT_CASES)('refuses $label with 400 and changes nothing', async ({ method, target: path, text }) => {
      await rejects(raw({ method, target: path, headers: json, body: text }), 400, 'InvalidRequest', ['body']);
    });
  });

  describe('timestamps must name real instants', () => {
    it.each(IMPOSSIBLE_TIMES.map((time) => ({ time })))('refuses deliverAt $time', async ({ time }) => {
      await rejects((a) => a.publish(topic, [{ body: 'later', deliverAt: time }]), 400, 'InvalidRequest', ['deliverAt', time]);
    });

    // The same check reads every timestamp field: a few impossible dates each for the others.
    it.each(IMPOSSIBLE_TIMES.slice(0, 3).map((time) => ({ time })))('refuses fromTime $time', async ({ time }) => {
      await rejects((a) => a.read(topic, 0, `fromTime=${encodeURIComponent(time)}`), 400, 'InvalidRequest', ['fromTime']);
    });

    it.each(IMPOSSIBLE_TIMES.slice(3, 6).map((time) => ({ time })))('refuses seek to $time', async ({ time }) => {
      await rejects((a) => a.seek(topic, subscription, time), 400, 'InvalidRequest', ['time']);
    });

    it('accepts February 29 of a leap year and an offset of +14:00', async () => {
      const february = await api().read(topic, 0, `fromTime=${encodeURIComponent('2024-02-29T23:00:00+14:00')}`);

      expect(february.status).toBe(200);
    });
  });

  describe('the message size covers the whole stored message', () => {
    it('refuses a tiny body with a 4.5 MiB attribute (the request fits in 5 MiB), naming the attribute limit', async () => {
      await rejects((a) => a.publish(topic, [{ body: 'tiny', attributes: { blob: 'a'.repeat(4.5 * 1024 * KIB) } }]), 400, 'InvalidRequest', ['attributes', '4096']);
    });

    it('refuses a message whose body, key, id and attributes together pass 256 KiB by one byte', async () => {
      // body "x…" (quoted: +2), key 200, id 100, 32 attributes of 4 + 4096 characters
      const attributes = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`a${String(i).padStart(3, '0')}`, 'v'.repeat(4096)]));
      const fixed = 200 + 100 + 32 * (4 + 4096) + 2;
      const body = 'x'.repeat(256 * KIB - fixed + 1);
      await rejects((a) => a.publish(topic, [{ body, key: 'k'.repeat(200), id: 'i'.repeat(100), attributes }]), 413, 'PayloadTooLarge', ['messages[0]', String(256 * KIB + 1)]);
    });

    it('accepts that message at exactly 256 KiB', async () => {
      // Prepare
      const attributes = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`a${String(i).padStart(3, '0')}`, 'v'.repeat(4096)]));
      const fixed = 200 + 100 + 32 * (4 + 4096) + 2;
      await api().createTopic('exact-size', { partitions: 1 });

      // Act
      const published = await api().publish('exact-size', [{ body: 'x'.repeat(256 * KIB - fixed), key: 'k'.repeat(200), id: 'i'.repeat(100), attributes }]);

      // Assess
      expect(published.status).toBe(200);
    });

    it.each([
      { case: 'an attribute value of 4097 characters', attributes: { big: 'v'.repeat(4097) }, mentions: ['attributes', '4096', '4097'] },
      { case: 'an attribute name of 129 characters', attributes: { ['n'.repeat(129)]: 'v' }, mentions: ['attributes', '128', '129'] },
      { case: 'an empty attribute name', attributes: { '': 'v' }, mentions: ['attributes', 'empty'] },
    ])('refuses $case with 400', async ({ attributes, mentions }) => {
      await rejects((a) => a.publish(topic, [{ body: 1, attributes }]), 400, 'InvalidRequest', mentions);
    });

    it('refuses a schedule whose message passes 256 KiB with 413', async () => {
      await rejects((a) => a.putSchedule('huge-tick', { topic, cron: '0 0 1 1 *', message: { body: 'x'.repeat(256 * KIB) } }), 413, 'PayloadTooLarge', ['body.message']);
    });
  });

  describe('405 MethodNotAllowed', () => {
    it.each([
      { case: 'PATCH on a topic', method: 'PATCH', path: paths.topic(), allow: ['DELETE', 'GET', 'PUT'] },
      { case: 'GET on publish', method: 'GET', path: paths.messages(), allow: ['POST'] },
      { case: 'DELETE on the topic list', method: 'DELETE', path: '/v1/topics', allow: ['GET'] },
      { case: 'PUT on dead letters', method: 'PUT', path: paths.action('dead-letters'), allow: ['DELETE', 'GET'] },
    ])('answers $case with an Allow header listing the methods the path has', async ({ method, path, allow }) => {
      // Act
      const answer = await api().http.request(method, path);

      // Assess
      expectApiError(answer, 405, 'MethodNotAllowed');
      expect((answer.headers.get('allow') ?? '').split(', ').sort()).toEqual(allow);
    });
  });
});
