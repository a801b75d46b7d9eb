import type { ApiResponse } from './ApiClient.js';
import type { Conveyor } from './Conveyor.js';
import { FIXTURE, paths, SCHEDULE_INPUT } from './seededFixture.js';

/** A request the API must reject, and what its error message must name (the field, the value received or the allowed range). */
export interface BadRequest {
  readonly case: string;
  readonly send: (api: Conveyor) => Promise<ApiResponse<unknown>>;
  readonly mentions: readonly string[];
}

export interface Case {
  readonly case: string;
  readonly send: (api: Conveyor) => Promise<ApiResponse<unknown>>;
}

export const GHOST = 'ghost-topic';
export const PHANTOM = 'phantom';
const FRESH_TOPIC = 'never-created';
const FRESH_SUBSCRIPTION = 'never-subscribed';
const { topic, subscription } = FIXTURE;

const putTopic = (settings: unknown) => (api: Conveyor) => api.http.put(paths.topic(FRESH_TOPIC), settings);
/** `[[[…]]]` nested `depth` arrays deep. */
const nested = (depth: number): unknown => Array.from({ length: depth - 1 }).reduce<unknown>((inner) => [inner], []);
const publishBody = (body: unknown) => (api: Conveyor) => api.http.post(paths.messages(), body);
const publishOne = (message: Record<string, unknown>) => publishBody({ messages: [{ body: { n: 1 }, ...message }] });
const putSubscription = (settings: unknown) => (api: Conveyor) => api.http.put(paths.subscription(FRESH_SUBSCRIPTION), settings);
const post = (action: string, body: unknown) => (api: Conveyor) => api.http.post(paths.action(action), body);
const read = (query: string, partition: number | string = 0) => (api: Conveyor) => api.read(topic, partition, query);
const putSchedule = (overrides: Record<string, unknown>) => (api: Conveyor) => api.http.put(paths.schedule(), { ...SCHEDULE_INPUT, ...overrides });
const many = <T>(count: number, make: (index: number) => T): T[] => Array.from({ length: count }, (_, index) => make(index));

/** Out-of-range and malformed settings of PUT /v1/topics/{topic}. */
export const BAD_TOPIC_SETTINGS: readonly BadRequest[] = [
  { case: 'partitions 0', send: putTopic({ partitions: 0 }), mentions: ['partitions', '64'] },
  { case: 'partitions 65', send: putTopic({ partitions: 65 }), mentions: ['partitions', '65'] },
  { case: 'partitions 2.5', send: putTopic({ partitions: 2.5 }), mentions: ['partitions', '2.5'] },
  { case: 'partitions as a string', send: putTopic({ partitions: '4' }), mentions: ['partitions', 'integer'] },
  { case: 'retentionHours 0', send: putTopic({ retentionHours: 0 }), mentions: ['retentionHours', '8760'] },
  { case: 'retentionHours 8761', send: putTopic({ retentionHours: 8761 }), mentions: ['retentionHours', '8761'] },
  { case: 'dedupWindowSeconds -1', send: putTopic({ dedupWindowSeconds: -1 }), mentions: ['dedupWindowSeconds', '86400'] },
  { case: 'dedupWindowSeconds 86401', send: putTopic({ dedupWindowSeconds: 86401 }), mentions: ['dedupWindowSeconds', '86401'] },
  { case: 'an unknown field', send: putTopic({ partitions: 2, replicas: 3 }), mentions: ['replicas'] },
  { case: 'an array instead of an object', send: putTopic([2]), mentions: ['body'] },
];

/** Invalid publish requests: all or nothing, so none of them may store a message. */
export const BAD_PUBLISH_REQUESTS: readonly BadRequest[] = [
  { case: 'a key of 257 characters', send: publishOne({ key: 'k'.repeat(257) }), mentions: ['key', '256'] },
  { case: '33 attributes', send: publishOne({ attributes: Object.fromEntries(many(33, (i) => [`a${i}`, 'v'])) }), mentions: ['attributes', '32'] },
  { case: 'a non-string attribute value', send: publishOne({ attributes: { priority: 7 } }), mentions: ['priority', '7'] },
  { case: 'an id of 129 characters', send: publishOne({ id: 'i'.repeat(129) }), mentions: ['id', '128'] },
  { case: 'an empty id', send: publishOne({ id: '' }), mentions: ['id'] },
  { case: 'delaySeconds -1', send: publishOne({ delaySeconds: -1 }), mentions: ['delaySeconds', '31536000'] },
  { case: 'delaySeconds 31536001', send: publishOne({ delaySeconds: 31_536_001 }), mentions: ['delaySeconds', '31536001'] },
  { case: 'delaySeconds 1.5', send: publishOne({ delaySeconds: 1.5 }), mentions: ['delaySeconds', '1.5'] },
  { case: 'delaySeconds and deliverAt together', send: publishOne({ delaySeconds: 60, deliverAt: '2030-01-01T00:00:00Z' }), mentions: ['delaySeconds', 'deliverAt'] },
  { case: 'deliverAt "tomorrow"', send: publishOne({ deliverAt: 'tomorrow' }), mentions: ['deliverAt', 'tomorrow'] },
  { case: 'deliverAt without a zone', send: publishOne({ deliverAt: '2030-01-01T00:00:00' }), mentions: ['deliverAt', '2030-01-01T00:00:00'] },
  { case: 'a message without body', send: publishBody({ messages: [{ key: 'k' }] }), mentions: ['messages[0].body', 'required'] },
  { case: 'an unknown message field', send: publishOne({ priority: 5 }), mentions: ['priority'] },
  { case: '0 messages', send: publishBody({ messages: [] }), mentions: ['messages'] },
  { case: 'a body nested 65 levels deep', send: publishOne({ body: nested(65) }), mentions: ['messages[0].body', '64'] },
  {
    case: 'a delayed body nested 5000 levels deep (sent as raw text)',
    send: (api) =>
      api.http.post(paths.messages(), undefined, {
        rawBody: `{"messages":[{"delaySeconds":1,"body":${'['.repeat(5000)}${']'.repeat(5000)}}]}`,
        headers: { 'content-type': 'application/json' },
      }),
    mentions: ['messages[0].body', '64'],
  },
  { case: 'deliverAt more than a year ahead', send: publishOne({ deliverAt: new Date(Date.now() + 400 * 86_400_000).toISOString() }), mentions: ['deliverAt', '31536000'] },
  { case: '501 messages', send: publishBody({ messages: many(501, (i) => ({ body: i })) }), mentions: ['messages', '500'] },
  { case: 'no messages field', send: publishBody({}), mentions: ['messages'] },
  { case: 'messages not an array', send: publishBody({ messages: { body: 1 } }), mentions: ['messages'] },
  { case: 'an unknown top-level field', send: publishBody({ messages: [{ body: 1 }], priority: 'high' }), mentions: ['priority'] },
  { case: 'a valid entry followed by an invalid one', send: publishBody({ messages: [{ body: 'fine' }, { body: 'bad', key: 'k'.repeat(257) }] }), mentions: ['messages[1]', 'key'] },
];

/** Out-of-range settings of PUT /v1/topics/{topic}/subscriptions/{subscription}. */
export const BAD_SUBSCRIPTION_SETTINGS: readonly BadRequest[] = [
  { case: 'ackDeadlineSeconds 0', send: putSubscription({ ackDeadlineSeconds: 0 }), mentions: ['ackDeadlineSeconds', '43200'] },
  { case: 'ackDeadlineSeconds 43201', send: putSubscription({ ackDeadlineSeconds: 43_201 }), mentions: ['ackDeadlineSeconds', '43201'] },
  { case: 'maxDeliveries 0', send: putSubscription({ maxDeliveries: 0 }), mentions: ['maxDeliveries', '100'] },
  { case: 'maxDeliveries 101', send: putSubscription({ maxDeliveries: 101 }), mentions: ['maxDeliveries', '101'] },
  { case: 'retryBackoff minSeconds > maxSeconds', send: putSubscription({ retryBackoff: { minSeconds: 10, maxSeconds: 5 } }), mentions: ['minSeconds', 'maxSeconds'] },
  { case: 'retryBackoff maxSeconds 86401', send: putSubscription({ retryBackoff: { maxSeconds: 86_401 } }), mentions: ['maxSeconds', '86401'] },
  { case: 'startFrom "middle"', send: putSubscription({ startFrom: 'middle' }), mentions: ['startFrom', 'middle'] },
  { case: 'ordered "yes"', send: putSubscription({ ordered: 'yes' }), mentions: ['ordered', 'yes'] },
  { case: 'deadLetterAlarm "no"', send: putSubscription({ deadLetterAlarm: 'no' }), mentions: ['deadLetterAlarm', 'no'] },
  { case: 'an unknown field', send: putSubscription({ deadLetterTopic: 'dlq' }), mentions: ['deadLetterTopic'] },
];

/** Invalid pull, ack, nack, extend, seek and dead-letter requests on the fixture's subscription. */
export const BAD_QUEUE_REQUESTS: readonly BadRequest[] = [
  { case: 'pull max 0', send: post('pull', { max: 0 }), mentions: ['max', '100'] },
  { case: 'pull max 101', send: post('pull', { max: 101 }), mentions: ['max', '101'] },
  { case: 'pull waitSeconds 21', send: post('pull', { waitSeconds: 21 }), mentions: ['waitSeconds', '21'] },
  { case: 'pull waitSeconds -1', send: post('pull', { waitSeconds: -1 }), mentions: ['waitSeconds', '20'] },
  { case: 'pull with an unknown field', send: post('pull', { maxMessages: 5 }), mentions: ['maxMessages'] },
  { case: 'ack with empty ackIds', send: post('ack', { ackIds: [] }), mentions: ['ackIds'] },
  { case: 'ack without ackIds', send: post('ack', {}), mentions: ['ackIds'] },
  { case: 'ack with 1001 ackIds', send: post('ack', { ackIds: many(1001, (i) => `ack-${i}`) }), mentions: ['ackIds', '1000'] },
  { case: 'ack with a number as ack id', send: post('ack', { ackIds: [42] }), mentions: ['ackIds', '42'] },
  { case: 'nack delaySeconds 43201', send: post('nack', { ackIds: ['x'], delaySeconds: 43_201 }), mentions: ['delaySeconds', '43201'] },
  { case: 'nack reason of 1025 characters', send: post('nack', { ackIds: ['x'], reason: 'r'.repeat(1025) }), mentions: ['reason', '1024'] },
  { case: 'extend without seconds', send: post('extend', { ackIds: ['x'] }), mentions: ['seconds'] },
  { case: 'extend seconds 43201', send: post('extend', { ackIds: ['x'], seconds: 43_201 }), mentions: ['seconds', '43201'] },
  { case: 'extend seconds -1', send: post('extend', { ackIds: ['x'], seconds: -1 }), mentions: ['seconds', '43200'] },
  { case: 'seek to "yesterday"', send: post('seek', { time: 'yesterday' }), mentions: ['time', 'yesterday'] },
  { case: 'seek to an impossible date', send: post('seek', { time: '2024-13-45T00:00:00Z' }), mentions: ['time', '2024-13-45'] },
  { case: 'seek without time', send: post('seek', {}), mentions: ['time'] },
  { case: 'dead letters limit 0', send: (api) => api.deadLetters(topic, subscription, 0), mentions: ['limit', '1000'] },
  { case: 'dead letters limit 1001', send: (api) => api.deadLetters(topic, subscription, 1001), mentions: ['limit', '1001'] },
  { case: 'redrive an id of 129 characters', send: (api) => api.redrive(topic, subscription, ['i'.repeat(129)]), mentions: ['ids', '128'] },
  { case: 'delete dead letters with ids not an array', send: (api) => api.http.delete(paths.action('dead-letters'), { ids: 'order-1' }), mentions: ['ids'] },
];

/** Invalid log reads and consumer-group commits. */
export const BAD_LOG_REQUESTS: readonly BadRequest[] = [
  { case: 'read with fromOffset and fromTime together', send: read('fromOffset=0&fromTime=2024-01-01T00:00:00Z'), mentions: ['fromOffset', 'fromTime'] },
  { case: 'read limit 1001', send: read('limit=1001'), mentions: ['limit', '1001'] },
  { case: 'read limit 0', send: read('limit=0'), mentions: ['limit', '1000'] },
  { case: 'read fromOffset -1', send: read('fromOffset=-1'), mentions: ['fromOffset', '-1'] },
  { case: 'read fromTime "noon"', send: read('fromTime=noon'), mentions: ['fromTime', 'noon'] },
  { case: 'read a partition outside the topic', send: read('', FIXTURE.partitions), mentions: ['partition', String(FIXTURE.partitions)] },
  { case: 'read partition "first"', send: read('', 'first'), mentions: ['partition', 'first'] },
  { case: 'commit no offsets', send: (api) => api.commitOffsets(topic, FIXTURE.group, []), mentions: ['offsets'] },
  { case: 'commit a partition outside the topic', send: (api) => api.commitOffsets(topic, FIXTURE.group, [{ partition: FIXTURE.partitions, offset: 0 }]), mentions: ['partition', String(FIXTURE.partitions)] },
  { case: 'commit offset -1', send: (api) => api.commitOffsets(topic, FIXTURE.group, [{ partition: 0, offset: -1 }]), mentions: ['offset', '-1'] },
];

/** Invalid replacements of the fixture's schedule. */
export const BAD_SCHEDULES: readonly BadRequest[] = [
  { case: 'cron "every day"', send: putSchedule({ cron: 'every day' }), mentions: ['cron', 'every day'] },
  { case: 'cron minute 61', send: putSchedule({ cron: '61 * * * *' }), mentions: ['cron', '61 * * * *'] },
  { case: 'an empty cron', send: putSchedule({ cron: '' }), mentions: ['cron'] },
  { case: 'an unknown time zone', send: putSchedule({ timezone: 'Mars/Olympus_Mons' }), mentions: ['timezone', 'Mars/Olympus_Mons'] },
  { case: 'no message', send: (api) => api.http.put(paths.schedule(), { topic, cron: '* * * * *' }), mentions: ['message'] },
  { case: 'a message key of 257 characters', send: putSchedule({ message: { body: 1, key: 'k'.repeat(257) } }), mentions: ['key', '256'] },
  { case: 'an unknown field', send: putSchedule({ enabled: false }), mentions: ['enabled'] },
];

/** Bodies that are not JSON at all, sent as application/json. */
export const MALFORMED_JSON: readonly BadRequest[] = [
  { case: 'publish with a truncated body', send: (api) => api.http.post(paths.messages(), undefined, { rawBody: '{"messages": [', headers: { 'content-type': 'application/json' } }), mentions: ['JSON'] },
  { case: 'topic settings with unquoted keys', send: (api) => api.http.put(paths.topic(FRESH_TOPIC), undefined, { rawBody: '{partitions: 2}', headers: { 'content-type': 'application/json' } }), mentions: ['JSON'] },
  { case: 'ack with a trailing comma', send: (api) => api.http.post(paths.action('ack'), undefined, { rawBody: '{"ackIds": ["a"],}', headers: { 'content-type': 'application/json' } }), mentions: ['JSON'] },
];

/** Event patterns that are not valid, with what the message must name. */
export const BAD_FILTERS = [
  { case: 'a leaf that is not an array', filter: { body: { total: 5 } }, mentions: ['total', '5'] },
  { case: 'an unknown operator', filter: { body: { total: [{ between: [1, 2] }] } }, mentions: ['between'] },
  { case: 'numeric with strings', filter: { body: { total: [{ numeric: ['>', 'five'] }] } }, mentions: ['numeric', 'five'] },
  { case: 'the empty pattern {}', filter: {}, mentions: ['{}'] },
  { case: 'an empty leaf array', filter: { key: [] }, mentions: ['key', '[]'] },
  { case: 'prefix with a number', filter: { key: [{ prefix: 5 }] }, mentions: ['prefix'] },
  { case: '$or with a single alternative', filter: { $or: [{ key: ['a'] }] }, mentions: ['$or'] },
];

/** Every operation on a topic that does not exist. */
export const TOPIC_NOT_FOUND: readonly Case[] = [
  { case: 'get', send: (api) => api.getTopic(GHOST) },
  { case: 'delete', send: (api) => api.deleteTopic(GHOST) },
  { case: 'publish', send: (api) => api.publish(GHOST, [{ body: 1 }]) },
  { case: 'read', send: (api) => api.read(GHOST, 0) },
  { case: 'commit offsets', send: (api) => api.commitOffsets(GHOST, 'readers', [{ partition: 0, offset: 0 }]) },
  { case: 'get a group', send: (api) => api.getGroup(GHOST, 'readers') },
  { case: 'list subscriptions', send: (api) => api.listSubscriptions(GHOST) },
  { case: 'subscribe', send: (api) => api.createSubscription(GHOST, 'worker') },
  { case: 'pull from a subscription', send: (api) => api.pull(GHOST, 'worker') },
  { case: 'schedule', send: (api) => api.putSchedule('to-ghost', { ...SCHEDULE_INPUT, topic: GHOST }) },
];

/** Every operation on a subscription that does not exist (on an existing topic). */
export const SUBSCRIPTION_NOT_FOUND: readonly Case[] = [
  { case: 'get', send: (api) => api.getSubscription(topic, PHANTOM) },
  { case: 'delete', send: (api) => api.deleteSubscription(topic, PHANTOM) },
  { case: 'pull', send: (api) => api.pull(topic, PHANTOM) },
  { case: 'ack', send: (api) => api.ack(topic, PHANTOM, ['x']) },
  { case: 'nack', send: (api) => api.nack(topic, PHANTOM, ['x']) },
  { case: 'extend', send: (api) => api.extend(topic, PHANTOM, ['x'], 10) },
  { case: 'seek', send: (api) => api.seek(topic, PHANTOM, '2024-01-01T00:00:00Z') },
  { case: 'list dead letters', send: (api) => api.deadLetters(topic, PHANTOM) },
  { case: 'redrive dead letters', send: (api) => api.redrive(topic, PHANTOM) },
  { case: 'delete dead letters', send: (api) => api.deleteDeadLetters(topic, PHANTOM) },
];
