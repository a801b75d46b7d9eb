import { ConveyorError, type DelayedPublishResult, type ImmediatePublishResult, type PublishResult } from '../../src/client/index.js';
import type { ApiResponse } from './harness/ApiClient.js';
import { describeContract } from './harness/backends.js';
import { clientOn, labelOfBody, sleep, until } from './harness/clientFixtures.js';
import type { Conveyor } from './harness/Conveyor.js';

/** One long-poll per caller: a second one at once is answered 429 with Retry-After (the retry spec needs it). */
const ONE_LONG_POLL = { maxLongPollsPerCaller: 1 };

const appendedNow = (result: PublishResult | undefined): ImmediatePublishResult => {
  if (result === undefined || !('offset' in result)) throw new Error(`expected a result appended now, got ${JSON.stringify(result)}`);
  return result;
};
const heldBack = (result: PublishResult | undefined): DelayedPublishResult => {
  if (result === undefined || !('scheduledFor' in result)) throw new Error(`expected a delayed result, got ${JSON.stringify(result)}`);
  return result;
};

/**
 * Starts a long-poll of `seconds` that holds the caller's one long-poll slot:
 * started again until a probe beside it is refused (a probe that came first
 * took the slot itself).
 */
async function holdLongPollSlot(api: Conveyor, topic: string, subscription: string, seconds: number): Promise<{ holding: Promise<ApiResponse> }> {
  for (let tries = 0; tries < 10; tries += 1) {
    const holding = api.pull(topic, subscription, { waitSeconds: seconds });
    await sleep(200);
    const probe = await api.pull(topic, subscription, { waitSeconds: 1 });
    // Wrapped: an async function returning the promise itself would wait for it.
    if (probe.status === 429) return { holding };
    await holding;
  }
  throw new Error('no long-poll kept the slot');
}

/** The error an operation threw; fails when it did not throw a ConveyorError. */
async function refusal(operation: Promise<unknown>): Promise<ConveyorError> {
  const outcome = await operation.then(
    (value: unknown) => new Error(`expected a ConveyorError, but the operation answered ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
  if (outcome instanceof ConveyorError) return outcome;
  throw outcome;
}

describeContract(
  'Typed client (conveyor/client)',
  (target) => {
    describe('operations', () => {
      it('creates, reads, lists and deletes topics, publishes and reads the log, and commits a consumer group', async () => {
        // Prepare
        const { client } = clientOn(target());

        // Act
        const created = await client.putTopic('client-log', { partitions: 2 });
        const again = await client.putTopic('client-log', { partitions: 2 });
        const { results } = await client.publish('client-log', [
          { id: 'order-1', key: 'customer-7', attributes: { region: 'eu' }, body: { label: 'first', total: 42 } },
          { id: 'reminder-1', body: { label: 'later' }, delaySeconds: 3600 },
        ]);
        const single = await client.publish('client-log', { id: 'order-2', key: 'customer-7', body: { label: 'second' } });
        const first = appendedNow(results[0]);
        const page = await client.readMessages('client-log', first.partition, { fromOffset: first.offset, limit: 10 });
        const committed = await client.commitGroupOffsets('client-log', 'analytics', { offsets: [{ partition: first.partition, offset: page.nextOffset }] });
        const group = await client.getGroup('client-log', 'analytics');
        const described = await client.getTopic('client-log');
        const listed = await client.listTopics();
        await client.deleteTopic('client-log');

        // Assess
        expect(created).toEqual(again);
        expect(created).toMatchObject({ name: 'client-log', partitions: 2, retentionHours: 168, dedupWindowSeconds: 3600 });
        expect(first).toMatchObject({ id: 'order-1', duplicate: false });
        expect(heldBack(results[1]).id).toBe('reminder-1');
        expect(appendedNow(single.results[0]).partition).toBe(first.partition);
        expect(page.messages.map((message) => [labelOfBody(message.body), message.key, message.attributes])).toEqual([
          ['first', 'customer-7', { region: 'eu' }],
          ['second', 'customer-7', {}],
        ]);
        expect(group).toEqual(committed);
        expect(group.partitions.find((partition) => partition.partition === first.partition)).toMatchObject({ committedOffset: page.nextOffset, lag: 0 });
        expect(described.stats.partitions).toHaveLength(2);
        expect(listed.topics.map((topic) => topic.name)).toContain('client-log');
        expect((await client.listTopics()).topics.map((topic) => topic.name)).not.toContain('client-log');
      });

      it('creates, changes, lists and deletes subscriptions, and pulls, extends, nacks, acks and seeks', async () => {
        // Prepare
        const { client } = clientOn(target());
        const startedAt = new Date(target().clock.now() - 1000).toISOString();
        await client.putTopic('client-queue');
        const created = await client.putSubscription('client-queue', 'worker', { ackDeadlineSeconds: 30, retryBackoff: { minSeconds: 0, maxSeconds: 0 } });
        await client.publish('client-queue', { body: { label: 'job' } });

        // Act
        const changed = await client.updateSubscription('client-queue', 'worker', { maxDeliveries: 3 });
        const [leased] = (await client.pull('client-queue', 'worker', { max: 10, waitSeconds: 5 })).messages;
        const extended = await client.extend('client-queue', 'worker', { ackIds: [leased!.ackId], seconds: 60 });
        const nacked = await client.nack('client-queue', 'worker', { ackIds: [leased!.ackId], delaySeconds: 0, reason: 'try again' });
        const [again] = (await client.pull('client-queue', 'worker', { max: 10, waitSeconds: 5 })).messages;
        const acked = await client.ack('client-queue', 'worker', [again!.ackId]);
        const sought = await client.seek('client-queue', 'worker', { time: startedAt });
        const listed = await client.listSubscriptions('client-queue');
        const described = await client.getSubscription('client-queue', 'worker');
        await client.deleteSubscription('client-queue', 'worker');

        // Assess
        expect(created).toMatchObject({ topic: 'client-queue', name: 'worker', ackDeadlineSeconds: 30, maxDeliveries: 5, ordered: false, filter: null });
        expect(changed.maxDeliveries).toBe(3);
        expect({ label: labelOfBody(leased!.body), attempt: leased!.deliveryAttempt }).toEqual({ label: 'job', attempt: 1 });
        expect([extended, nacked, acked]).toEqual([
          { acked: 1, notAcked: 0, failed: [] },
          { acked: 1, notAcked: 0, failed: [] },
          { acked: 1, notAcked: 0, failed: [] },
        ]);
        expect({ id: again!.id, attempt: again!.deliveryAttempt }).toEqual({ id: leased!.id, attempt: 2 });
        expect(sought.requeued).toBe(1);
        expect(listed.subscriptions.map((subscription) => subscription.name)).toEqual(['worker']);
        expect(described.maxDeliveries).toBe(3);
        expect((await refusal(client.getSubscription('client-queue', 'worker'))).code).toBe('SubscriptionNotFound');
      });

      it('lists, redrives and deletes dead letters', async () => {
        // Prepare
        const { client } = clientOn(target());
        await client.putTopic('client-dead');
        await client.putSubscription('client-dead', 'worker', { maxDeliveries: 1 });
        await client.publish('client-dead', [{ id: 'a', body: { label: 'a' } }, { id: 'b', body: { label: 'b' } }]);
        const leased = (await client.pull('client-dead', 'worker', { max: 10, waitSeconds: 5 })).messages;
        await until('both messages leased', async () => {
          if (leased.length < 2) leased.push(...(await client.pull('client-dead', 'worker', { max: 10 })).messages);
          return leased.length === 2;
        });
        await client.nack('client-dead', 'worker', { ackIds: leased.map((message) => message.ackId), reason: 'poison' });

        // Act
        const listed = await client.listDeadLetters('client-dead', 'worker', { limit: 10 });
        const redriven = await client.redriveDeadLetters('client-dead', 'worker', { ids: ['a'] });
        const deleted = await client.deleteDeadLetters('client-dead', 'worker');

        // Assess
        expect(listed.messages.map((letter) => [letter.id, letter.deliveryAttempt, letter.lastError]).sort()).toEqual([
          ['a', 1, 'poison'],
          ['b', 1, 'poison'],
        ]);
        expect({ redriven: redriven.redriven, deleted: deleted.deleted }).toEqual({ redriven: 1, deleted: 1 });
        expect((await client.listDeadLetters('client-dead', 'worker')).messages).toEqual([]);
      });

      it('lists and cancels delayed messages', async () => {
        // Prepare
        const { client } = clientOn(target());
        await client.putTopic('client-later');
        await client.publish('client-later', [
          { id: 'soon', key: 'k', body: { label: 'soon' }, delaySeconds: 600 },
          { id: 'later', body: { label: 'later' }, delaySeconds: 3600 },
        ]);

        // Act
        const first = await client.listDelayed('client-later', { limit: 1 });
        const rest = await client.listDelayed('client-later', { limit: 10, cursor: first.nextCursor! });
        await client.cancelDelayed('client-later', 'soon');
        const afterCancel = await client.listDelayed('client-later');
        const again = await refusal(client.cancelDelayed('client-later', 'soon'));

        // Assess
        expect(first.messages.map((message) => [message.id, message.key, labelOfBody(message.body)])).toEqual([['soon', 'k', 'soon']]);
        expect(first.nextCursor).not.toBeNull();
        expect(rest).toMatchObject({ messages: [{ id: 'later' }], nextCursor: null });
        expect(afterCancel.messages.map((message) => message.id)).toEqual(['later']);
        expect({ status: again.status, code: again.code, request: again.request }).toEqual({ status: 404, code: 'DelayedMessageNotFound', request: 'DELETE /v1/topics/client-later/delayed/soon' });
      });

      it('creates, reads, lists and deletes schedules, and reads health and metrics', async () => {
        // Prepare
        const { client } = clientOn(target());
        await client.putTopic('client-cron');

        // Act
        const created = await client.putSchedule('client-nightly', { topic: 'client-cron', cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' } } });
        const described = await client.getSchedule('client-nightly');
        const listed = await client.listSchedules();
        await client.deleteSchedule('client-nightly');
        const health = await client.health();
        const metrics = await client.metrics();

        // Assess
        expect(created).toMatchObject({ name: 'client-nightly', topic: 'client-cron', cron: '0 2 * * *', timezone: 'Europe/Berlin', lastFiredAt: null });
        expect(described).toEqual(created);
        expect(listed.schedules.map((schedule) => schedule.name)).toContain('client-nightly');
        expect((await refusal(client.getSchedule('client-nightly'))).code).toBe('ScheduleNotFound');
        expect(health).toEqual({ status: 'ok' });
        expect(metrics).toContain('conveyor_http_request_duration_seconds');
      });
    });

    describe('errors', () => {
      it.each([
        { case: 'a 404 (a topic that does not exist)', call: 'getTopic' as const, expected: { status: 404, code: 'TopicNotFound', request: 'GET /v1/topics/client-nowhere' } },
        { case: 'a 400 (settings out of range)', call: 'putTopic' as const, expected: { status: 400, code: 'InvalidRequest', request: 'PUT /v1/topics/client-nowhere' } },
      ])('throws a ConveyorError with the status, code and message of $case', async ({ call, expected }) => {
        // Prepare
        const { client, seen } = clientOn(target());

        // Act
        const error = await refusal(call === 'getTopic' ? client.getTopic('client-nowhere') : client.putTopic('client-nowhere', { partitions: 65 }));

        // Assess
        expect({ status: error.status, code: error.code, request: error.request }).toEqual(expected);
        expect(error.message.length).toBeGreaterThan(0);
        expect(seen).toHaveLength(1);
      });
    });

    describe('retries', () => {
      it('waits out a 429 for its Retry-After and sends the request again', async () => {
        // Prepare: the one long-poll this caller may hold is taken for 3 s
        const { client, seen } = clientOn(target(), { retry: { maxAttempts: 6 } });
        await client.putTopic('client-busy');
        await client.putSubscription('client-busy', 'worker');
        const { holding } = await holdLongPollSlot(target().api, 'client-busy', 'worker', 3);

        // Act
        const answer = await client.pull('client-busy', 'worker', { waitSeconds: 1 });
        const held = await holding;

        // Assess
        expect(held.status).toBe(200);
        const pulls = seen.filter((entry) => entry.path.endsWith('/pull'));
        expect(answer.messages).toEqual([]);
        expect(pulls[0]!.status).toBe(429);
        expect(pulls.at(-1)!.status).toBe(200);
        expect(pulls[1]!.at - pulls[0]!.at).toBeGreaterThanOrEqual(1000);
      });
    });
  },
  ONE_LONG_POLL,
);
