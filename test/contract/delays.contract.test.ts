import type { DelayedPage } from '../../src/domain/types.js';
import { requireStatus } from './harness/ApiClient.js';
import { describeContract } from './harness/backends.js';
import { expectApiError, expectRejectedWithoutChange } from './harness/expectations.js';
import { parseExposition, valueOf } from './harness/prometheus.js';
import { KAFKA_MURMUR2_VECTORS, delayed, kafkaPartition, partitionStats, publishOk, readPage } from './harness/logFixtures.js';
import { ackAll, addSubscription, iso, pull } from './harness/queueFixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describeContract('Delayed messages', (target) => {
  /** A one-partition topic with a subscription `worker` that receives everything. */
  async function topicWithWorker(topic: string): Promise<void> {
    requireStatus(`creating topic ${topic}`, await target().api.createTopic(topic, { partitions: 1 }), 201);
    await addSubscription(target().api, { topic, subscription: 'worker' });
  }

  /** Pulls what is ready and acks it, so no lease is left to expire while a later spec compares everything before and after. */
  async function pulledBodies(topic: string): Promise<unknown[]> {
    const queue = { topic, subscription: 'worker' };
    const deliveries = await pull(target().api, queue, { max: 10 });
    if (deliveries.length > 0) await ackAll(target().api, queue, deliveries);
    return deliveries.map((message) => message.body);
  }

  describe('publishing', () => {
    it('answers delaySeconds with scheduledFor that many seconds from now, and no partition or offset', async () => {
      // Prepare
      target().clock.freeze();
      await target().api.createTopic('delay-seconds');

      // Act
      const [result] = await publishOk(target().api, 'delay-seconds', [{ id: 'later', body: 'x', delaySeconds: 60 }]);

      // Assess
      expect(result).toEqual({ id: 'later', scheduledFor: iso(target().clock.now() + MINUTE), duplicate: false });
    });

    it('answers deliverAt with that time as scheduledFor, and no partition or offset', async () => {
      // Prepare
      await target().api.createTopic('deliver-at');
      const at = new Date(target().clock.now() + HOUR).toISOString();

      // Act
      const [result] = await publishOk(target().api, 'deliver-at', [{ id: 'at', body: 'x', deliverAt: at }]);

      // Assess
      expect(result).toEqual({ id: 'at', scheduledFor: at, duplicate: false });
    });

    it('writes scheduledFor in UTC with milliseconds for a deliverAt given with an offset', async () => {
      // Prepare
      await target().api.createTopic('deliver-at-offset');
      const year = new Date(target().clock.now()).getUTCFullYear() + 1;

      // Act
      const [result] = await publishOk(target().api, 'deliver-at-offset', [{ body: 'x', deliverAt: `${year}-06-01T14:30:00+02:00` }]);

      // Assess
      expect(delayed(result).scheduledFor).toBe(`${year}-06-01T12:30:00.000Z`);
    });

    it('appends a message whose deliverAt has passed at once', async () => {
      // Prepare
      await target().api.createTopic('deliver-at-past', { partitions: 1 });
      const past = new Date(target().clock.now() - HOUR).toISOString();

      // Act
      const [result] = await publishOk(target().api, 'deliver-at-past', [{ id: 'past', body: 'now', deliverAt: past }]);

      // Assess
      expect(result).toEqual({ id: 'past', partition: 0, offset: 0, duplicate: false });
      expect((await readPage(target().api, 'deliver-at-past', 0)).messages.map((message) => message.body)).toEqual(['now']);
    });

    it.each([
      { case: 'a negative delaySeconds', entry: { body: 'x', delaySeconds: -1 }, field: 'delaySeconds' },
      { case: 'a delaySeconds above one year', entry: { body: 'x', delaySeconds: 31_536_001 }, field: 'delaySeconds' },
      { case: 'a fractional delaySeconds', entry: { body: 'x', delaySeconds: 1.5 }, field: 'delaySeconds' },
      { case: 'a deliverAt that is not a date-time', entry: { body: 'x', deliverAt: 'tomorrow' }, field: 'deliverAt' },
    ])('answers 400 InvalidRequest naming the field to $case', async ({ entry, field }) => {
      // Prepare
      await target().api.createTopic('delay-invalid');

      // Act
      const response = await target().api.publish('delay-invalid', [entry]);

      // Assess
      expectApiError(response, 400, 'InvalidRequest', [field]);
    });
  });

  describe('release', () => {
    it('keeps the message out of the log and the subscriptions until it is due', async () => {
      // Prepare
      await topicWithWorker('not-yet');

      // Act
      await publishOk(target().api, 'not-yet', [{ body: 'wait', delaySeconds: 60 }]);
      await target().advance(30_000);

      // Assess
      expect(await partitionStats(target().api, 'not-yet')).toEqual([{ partition: 0, oldestOffset: 0, nextOffset: 0 }]);
      expect((await readPage(target().api, 'not-yet', 0)).messages).toEqual([]);
      expect(await pulledBodies('not-yet')).toEqual([]);
    });

    it('appends the message to the log and delivers it to subscriptions once it is due', async () => {
      // Prepare
      await topicWithWorker('due');
      const [result] = await publishOk(target().api, 'due', [{ key: 'k', attributes: { type: 'reminder' }, body: { remind: 'customer-17' }, delaySeconds: 60 }]);
      const { id, scheduledFor } = delayed(result);

      // Act
      await target().advance(61_000);

      // Assess: it enters the log when due, so it is published at or after scheduledFor
      const { messages } = await readPage(target().api, 'due', 0);
      expect(messages).toEqual([
        { id, topic: 'due', partition: 0, offset: 0, key: 'k', attributes: { type: 'reminder' }, body: { remind: 'customer-17' }, publishedAt: expect.any(String) },
      ]);
      const publishedAt = Date.parse(messages[0]!.publishedAt);
      expect(publishedAt).toBeGreaterThanOrEqual(Date.parse(scheduledFor));
      expect(publishedAt).toBeLessThanOrEqual(target().clock.now());
      const pulled = (await target().api.pull('due', 'worker', { max: 10 })).body.messages;
      expect(pulled.map((message) => ({ id: message.id, offset: message.offset, body: message.body }))).toEqual([{ id, offset: 0, body: { remind: 'customer-17' } }]);
    });

    it('releases a deliverAt message when its time comes', async () => {
      // Prepare
      await topicWithWorker('due-at');
      await publishOk(target().api, 'due-at', [{ body: 'at', deliverAt: new Date(target().clock.now() + 10 * MINUTE).toISOString() }]);

      // Act
      await target().advance(5 * MINUTE);
      const early = await pulledBodies('due-at');
      await target().advance(5 * MINUTE + 1_000);
      const due = await pulledBodies('due-at');

      // Assess
      expect({ early, due }).toEqual({ early: [], due: ['at'] });
    });

    it('delivers to a subscription created while the message was waiting', async () => {
      // Prepare
      await target().api.createTopic('late-subscriber', { partitions: 1 });
      await publishOk(target().api, 'late-subscriber', [{ body: 'for the newcomer', delaySeconds: 60 }]);
      await target().api.createSubscription('late-subscriber', 'worker');

      // Act
      await target().advance(61_000);

      // Assess
      expect(await pulledBodies('late-subscriber')).toEqual(['for the newcomer']);
    });

    it('puts a delayed keyed message on its key\'s partition', async () => {
      // Prepare
      const { key, hash } = KAFKA_MURMUR2_VECTORS[1];
      await target().api.createTopic('delayed-keyed', { partitions: 8 });
      await publishOk(target().api, 'delayed-keyed', [{ key, body: 'keyed', delaySeconds: 1 }]);

      // Act
      await target().advance(2_000);

      // Assess
      const page = await readPage(target().api, 'delayed-keyed', kafkaPartition(hash, 8));
      expect(page.messages.map((message) => [message.key, message.body])).toEqual([[key, 'keyed']]);
    });

    it('sends a follow-up notification 24 hours later', async () => {
      // Prepare
      await topicWithWorker('follow-up');
      await publishOk(target().api, 'follow-up', [{ key: 'user-7', body: { notify: 'how was your order?' }, delaySeconds: 86_400 }]);

      // Act
      await target().advance(23 * HOUR);
      const dayBefore = await pulledBodies('follow-up');
      await target().advance(HOUR + 1_000);
      const dayAfter = await pulledBodies('follow-up');

      // Assess
      expect({ dayBefore, dayAfter }).toEqual({ dayBefore: [], dayAfter: [{ notify: 'how was your order?' }] });
    });

    it('drops delayed messages not yet due when their topic is deleted', async () => {
      // Prepare
      await target().api.createTopic('deleted-while-waiting', { partitions: 1 });
      await publishOk(target().api, 'deleted-while-waiting', [{ body: 'orphan', delaySeconds: 60 }]);

      // Act
      await target().api.deleteTopic('deleted-while-waiting');
      await target().api.createTopic('deleted-while-waiting', { partitions: 1 });
      await target().advance(61_000);

      // Assess
      expect((await readPage(target().api, 'deleted-while-waiting', 0)).messages).toEqual([]);
    });
  });

  describe('deduplication', () => {
    it('answers a repeated id of a waiting message as a duplicate with the original scheduledFor', async () => {
      // Prepare
      await target().api.createTopic('delayed-dedup', { partitions: 1 });
      const [original] = await publishOk(target().api, 'delayed-dedup', [{ id: 'remind-1', body: 'first', delaySeconds: 60 }]);

      // Act
      const [repeated] = await publishOk(target().api, 'delayed-dedup', [{ id: 'remind-1', body: 'second', delaySeconds: 600 }]);

      // Assess
      expect(repeated).toEqual({ id: 'remind-1', scheduledFor: delayed(original).scheduledFor, duplicate: true });
      await target().advance(601_000);
      expect((await readPage(target().api, 'delayed-dedup', 0)).messages.map((message) => message.body)).toEqual(['first']);
    });

    it('answers a repeated id in the same request as a duplicate of the first', async () => {
      // Prepare
      await target().api.createTopic('delayed-dedup-batch', { partitions: 1 });

      // Act
      const results = await publishOk(target().api, 'delayed-dedup-batch', [
        { id: 'twice', body: 1, delaySeconds: 30 },
        { id: 'twice', body: 2, delaySeconds: 30 },
      ]);

      // Assess
      expect(results[1]).toEqual({ id: 'twice', scheduledFor: delayed(results[0]).scheduledFor, duplicate: true });
      await target().advance(31_000);
      expect((await readPage(target().api, 'delayed-dedup-batch', 0)).messages.map((message) => message.body)).toEqual([1]);
    });

    it('keeps the first of two messages with one id in a request as the original, even when it is the delayed one', async () => {
      // Prepare
      target().clock.freeze();
      await target().api.createTopic('mixed-dedup', { partitions: 1 });

      // Act
      const results = await publishOk(target().api, 'mixed-dedup', [
        { id: 'mixed', body: 'delayed original', delaySeconds: 60 },
        { id: 'mixed', body: 'immediate repeat' },
      ]);

      // Assess
      expect(results[0]).toEqual({ id: 'mixed', scheduledFor: iso(target().clock.now() + MINUTE), duplicate: false });
      expect(results[1]).toEqual({ ...results[0], duplicate: true });
      expect((await readPage(target().api, 'mixed-dedup', 0)).messages).toEqual([]);
      await target().advance(61_000);
      expect((await readPage(target().api, 'mixed-dedup', 0)).messages.map((message) => message.body)).toEqual(['delayed original']);
    });

    it('does not append a released message again when its id is published again within the window', async () => {
      // Prepare
      await target().api.createTopic('released-dedup', { partitions: 1 });
      await publishOk(target().api, 'released-dedup', [{ id: 'once', body: 'delayed', delaySeconds: 10 }]);
      await target().advance(11_000);

      // Act
      const [repeated] = await publishOk(target().api, 'released-dedup', [{ id: 'once', body: 'immediate' }]);

      // Assess
      expect(repeated).toEqual({ id: 'once', partition: 0, offset: 0, duplicate: true });
      expect((await readPage(target().api, 'released-dedup', 0)).messages.map((message) => message.body)).toEqual(['delayed']);
    });
  });
  describe('GET /v1/topics/{topic}/delayed', () => {
    it('lists waiting messages soonest due first, with their content, partition and times', async () => {
      // Prepare
      target().clock.freeze();
      await target().api.createTopic('waiting', { partitions: 8 });
      const { key, hash } = KAFKA_MURMUR2_VECTORS[1];
      const publishedAt = iso(target().clock.now());

      // Act
      await publishOk(target().api, 'waiting', [
        { id: 'tomorrow', body: { remind: 'tomorrow' }, delaySeconds: 86_400 },
        { id: 'in-a-minute', key, attributes: { kind: 'reminder' }, body: { remind: 'soon' }, delaySeconds: 60 },
        { id: 'now', body: 'not delayed' },
      ]);
      const page = requireStatus('list', await target().api.listDelayed('waiting'));

      // Assess
      expect(page).toEqual({
        messages: [
          { id: 'in-a-minute', topic: 'waiting', partition: kafkaPartition(hash, 8), key, attributes: { kind: 'reminder' }, body: { remind: 'soon' }, deliverAt: iso(target().clock.now() + MINUTE), publishedAt },
          { id: 'tomorrow', topic: 'waiting', partition: expect.any(Number), key: null, attributes: {}, body: { remind: 'tomorrow' }, deliverAt: iso(target().clock.now() + 24 * HOUR), publishedAt },
        ],
        nextCursor: null,
      });
    });

    it('counts waiting messages in the topic stats and in the conveyor_topic_delayed_messages gauge', async () => {
      // Prepare
      await target().api.createTopic('counted-delays', { partitions: 2 });

      // Act
      await publishOk(target().api, 'counted-delays', [{ body: 1, delaySeconds: 60 }, { body: 2, delaySeconds: 7200 }, { body: 3 }]);

      // Assess
      const described = requireStatus('describe', await target().api.getTopic('counted-delays'));
      const metrics = parseExposition(requireStatus('metrics', await target().api.http.get<string>('/metrics')));
      expect(described.stats?.delayed).toBe(2);
      expect(valueOf(metrics, 'conveyor_topic_delayed_messages', { topic: 'counted-delays' })).toBe(2);
    });

    it('pages by limit, continuing from nextCursor, with nextCursor null on the last page', async () => {
      // Prepare
      await target().api.createTopic('paged-delays', { partitions: 1 });
      await publishOk(target().api, 'paged-delays', [5, 1, 4, 2, 3].map((minutes) => ({ id: `m${minutes}`, body: minutes, delaySeconds: minutes * 60 })));

      // Act
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const query = `limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const page: DelayedPage = requireStatus('list', await target().api.listDelayed('paged-delays', query));
        pages.push(page.messages.map((message) => message.id));
        cursor = page.nextCursor;
      } while (cursor !== null);

      // Assess
      expect(pages).toEqual([['m1', 'm2'], ['m3', 'm4'], ['m5']]);
    });

    it('no longer lists a message once it entered the log', async () => {
      // Prepare
      await target().api.createTopic('released-delays', { partitions: 1 });
      await publishOk(target().api, 'released-delays', [{ id: 'soon', body: 'soon', delaySeconds: 10 }, { id: 'later', body: 'later', delaySeconds: 3600 }]);

      // Act
      await target().advance(11_000);

      // Assess
      expect(requireStatus('list', await target().api.listDelayed('released-delays')).messages.map((message) => message.id)).toEqual(['later']);
      expect(requireStatus('describe', await target().api.getTopic('released-delays')).stats?.delayed).toBe(1);
    });

    it.each([
      { case: 'a cursor it did not answer', query: 'cursor=not-a-cursor', mentions: ['query.cursor'] },
      { case: 'a limit of 0', query: 'limit=0', mentions: ['query.limit', 'between 1 and 1000'] },
      { case: 'an unknown parameter', query: 'after=x', mentions: ['after'] },
    ])('answers 400 InvalidRequest to $case', async ({ query, mentions }) => {
      // Prepare
      await target().api.createTopic('bad-listings');

      // Act
      const response = await target().api.listDelayed('bad-listings', query);

      // Assess
      expectApiError(response, 400, 'InvalidRequest', mentions);
    });

    it('answers 400 InvalidRequest to a cursor another topic answered, and changes nothing', async () => {
      // Prepare: two topics whose messages wait at the same times, one listed a page deep
      for (const topic of ['cursor-source', 'cursor-elsewhere']) {
        await target().api.createTopic(topic, { partitions: 1 });
        await publishOk(target().api, topic, [1, 2, 3].map((minutes) => ({ id: `m${minutes}`, body: minutes, delaySeconds: minutes * 60 })));
      }
      const { nextCursor } = requireStatus('list', await target().api.listDelayed('cursor-source', 'limit=1'));

      // Act & Assess
      await expectRejectedWithoutChange(target().api, (api) => api.listDelayed('cursor-elsewhere', `limit=1&cursor=${encodeURIComponent(nextCursor!)}`), {
        status: 400,
        code: 'InvalidRequest',
        mentions: ['query.cursor', 'another topic'],
      });
      expect(requireStatus('list', await target().api.listDelayed('cursor-elsewhere')).messages.map((message) => message.id)).toEqual(['m1', 'm2', 'm3']);
    });

    it('answers 404 TopicNotFound for an unknown topic', async () => {
      expectApiError(await target().api.listDelayed('no-such-topic'), 404, 'TopicNotFound');
    });
  });

  describe('DELETE /v1/topics/{topic}/delayed/{id}', () => {
    it.each([
      { case: 'due within 15 minutes', delaySeconds: 120 },
      { case: 'due in a day', delaySeconds: 86_400 },
    ])('cancels a message $case: it never enters the log nor reaches a subscription, and leaves the listing', async ({ delaySeconds }) => {
      // Prepare
      const topic = `cancelled-${delaySeconds}`;
      await topicWithWorker(topic);
      await publishOk(target().api, topic, [{ id: 'unwanted', body: 'unwanted', delaySeconds }, { id: 'wanted', body: 'wanted', delaySeconds }]);

      // Act
      const response = await target().api.cancelDelayed(topic, 'unwanted');
      await target().advance(delaySeconds * 1000 + 1000);

      // Assess
      expect(response.status).toBe(204);
      expect((await readPage(target().api, topic, 0)).messages.map((message) => message.body)).toEqual(['wanted']);
      expect(await pulledBodies(topic)).toEqual(['wanted']);
      expect(requireStatus('list', await target().api.listDelayed(topic)).messages).toEqual([]);
    });

    it('answers 404 DelayedMessageNotFound for a message released already, which is delivered as usual', async () => {
      // Prepare
      await topicWithWorker('cancel-too-late');
      await publishOk(target().api, 'cancel-too-late', [{ id: 'on-time', body: 'on time', delaySeconds: 10 }]);
      await target().advance(11_000);

      // Act
      const response = await target().api.cancelDelayed('cancel-too-late', 'on-time');

      // Assess
      expectApiError(response, 404, 'DelayedMessageNotFound', ['on-time', 'released']);
      expect(await pulledBodies('cancel-too-late')).toEqual(['on time']);
    });

    it('answers 404 DelayedMessageNotFound to an unknown id and to a second cancel, and changes nothing', async () => {
      // Prepare
      await target().api.createTopic('cancel-twice', { partitions: 1 });
      await publishOk(target().api, 'cancel-twice', [{ id: 'once', body: 'x', delaySeconds: 60 }, { id: 'other', body: 'y', delaySeconds: 60 }]);
      requireStatus('first cancel', await target().api.cancelDelayed('cancel-twice', 'once'), 204);

      // Act & Assess
      for (const id of ['once', 'never-published']) {
        await expectRejectedWithoutChange(target().api, (api) => api.cancelDelayed('cancel-twice', id), { status: 404, code: 'DelayedMessageNotFound', mentions: [id] });
      }
      expect(requireStatus('list', await target().api.listDelayed('cancel-twice')).messages.map((message) => message.id)).toEqual(['other']);
    }, 90_000); // four snapshots of every topic this suite made: about 16 s against the emulator when idle

    it('keeps a cancelled id remembered: a retried publish is answered as a duplicate and does not bring the message back', async () => {
      // Prepare
      await target().api.createTopic('cancel-dedup', { partitions: 1 });
      const [original] = await publishOk(target().api, 'cancel-dedup', [{ id: 'remind-7', body: 'first', delaySeconds: 60 }]);
      requireStatus('cancel', await target().api.cancelDelayed('cancel-dedup', 'remind-7'), 204);

      // Act
      const [retried] = await publishOk(target().api, 'cancel-dedup', [{ id: 'remind-7', body: 'first', delaySeconds: 60 }]);
      await target().advance(61_000);

      // Assess
      expect(retried).toEqual({ ...original, duplicate: true });
      expect((await readPage(target().api, 'cancel-dedup', 0)).messages).toEqual([]);
    });

    it('cancels a message whose id needs percent-encoding in the path', async () => {
      // Prepare
      await target().api.createTopic('encoded-ids', { partitions: 1 });
      await publishOk(target().api, 'encoded-ids', [{ id: 'order/42 reminder?#1', body: 'x', delaySeconds: 60 }]);

      // Act
      const response = await target().api.cancelDelayed('encoded-ids', 'order/42 reminder?#1');

      // Assess
      expect(response.status).toBe(204);
      expect(requireStatus('describe', await target().api.getTopic('encoded-ids')).stats?.delayed).toBe(0);
    });

    it('answers 404 TopicNotFound for an unknown topic', async () => {
      expectApiError(await target().api.cancelDelayed('no-such-topic', 'x'), 404, 'TopicNotFound');
    });
  });
});
