import { requireStatus } from './harness/ApiClient.js';
import { describeContract } from './harness/backends.js';
import { expectApiError, expectRejectedWithoutChange } from './harness/expectations.js';
import { publishOk } from './harness/logFixtures.js';
import { createQueue, labelled, labelsOf, pull, SECOND } from './harness/queueFixtures.js';

describeContract('Changing subscription settings', (target) => {
  describe('PATCH /v1/topics/{topic}/subscriptions/{subscription}', () => {
    it('changes ackDeadlineSeconds, maxDeliveries, retryBackoff and deadLetterAlarm and answers the updated subscription', async () => {
      // Prepare
      await createQueue(target().api, 'changed', { maxDeliveries: 5, filter: { key: ['k'] } });

      // Act
      const response = await target().api.updateSubscription('changed', 'worker', {
        ackDeadlineSeconds: 120,
        maxDeliveries: 2,
        retryBackoff: { minSeconds: 5, maxSeconds: 50 },
        deadLetterAlarm: false,
      });

      // Assess
      const changed = { ackDeadlineSeconds: 120, maxDeliveries: 2, retryBackoff: { minSeconds: 5, maxSeconds: 50 }, deadLetterAlarm: false };
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ topic: 'changed', name: 'worker', ...changed, filter: { key: ['k'] }, ordered: false, startFrom: 'latest' });
      expect(requireStatus('get', await target().api.getSubscription('changed', 'worker'))).toEqual(response.body);
    });

    it('keeps what the change leaves out, a retry backoff bound included', async () => {
      // Prepare
      await createQueue(target().api, 'partly', { ackDeadlineSeconds: 45, retryBackoff: { minSeconds: 2, maxSeconds: 60 } });
      const created = requireStatus('get', await target().api.getSubscription('partly', 'worker'));

      // Act
      const response = await target().api.updateSubscription('partly', 'worker', { retryBackoff: { maxSeconds: 90 } });

      // Assess
      expect(response.body).toEqual({ ...created, retryBackoff: { minSeconds: 2, maxSeconds: 90 } });
    });

    it('keeps every one of many concurrent changes of different settings', async () => {
      // Prepare
      await createQueue(target().api, 'raced', { ackDeadlineSeconds: 30, maxDeliveries: 5, retryBackoff: { minSeconds: 1, maxSeconds: 100 } });
      const rounds = [1, 2, 3, 4, 5, 6].map((round) => ({
        ackDeadlineSeconds: 30 + round,
        maxDeliveries: 5 + round,
        minSeconds: 1 + round,
        maxSeconds: 100 + round,
        deadLetterAlarm: round % 2 === 0,
      }));

      for (const round of rounds) {
        // Act: five PATCHes at once, each naming one setting
        const responses = await Promise.all(
          [
            { ackDeadlineSeconds: round.ackDeadlineSeconds },
            { maxDeliveries: round.maxDeliveries },
            { retryBackoff: { minSeconds: round.minSeconds } },
            { retryBackoff: { maxSeconds: round.maxSeconds } },
            { deadLetterAlarm: round.deadLetterAlarm },
          ].map((change) => target().api.updateSubscription('raced', 'worker', change)),
        );

        // Assess
        expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
        expect(requireStatus('get', await target().api.getSubscription('raced', 'worker'))).toMatchObject({
          ackDeadlineSeconds: round.ackDeadlineSeconds,
          maxDeliveries: round.maxDeliveries,
          retryBackoff: { minSeconds: round.minSeconds, maxSeconds: round.maxSeconds },
          deadLetterAlarm: round.deadLetterAlarm,
        });
      }
    });

    it('dead-letters on the next failure once maxDeliveries is lowered below the attempts made', async () => {
      // Prepare
      const queue = await createQueue(target().api, 'lowered', { maxDeliveries: 5 });
      await publishOk(target().api, 'lowered', labelled(['fragile']));
      const [first] = await pull(target().api, queue);
      await target().api.nack('lowered', 'worker', [first!.ackId], { delaySeconds: 0 });
      const [second] = await pull(target().api, queue);

      // Act
      await target().api.updateSubscription('lowered', 'worker', { maxDeliveries: 2 });
      await target().api.nack('lowered', 'worker', [second!.ackId], { delaySeconds: 0, reason: 'gave up after the change' });

      // Assess
      expect(await pull(target().api, queue)).toEqual([]);
      const deadLetters = requireStatus('dead letters', await target().api.deadLetters('lowered', 'worker')).messages;
      expect(deadLetters.map((letter) => ({ id: letter.id, deliveryAttempt: letter.deliveryAttempt, lastError: letter.lastError }))).toEqual([
        { id: first!.id, deliveryAttempt: 2, lastError: 'gave up after the change' },
      ]);
    });

    it('leases with the new ack deadline from the next pull on', async () => {
      // Prepare: only `advance` moves the clock; no retry backoff, so an expired lease is ready at once
      target().clock.freeze();
      const queue = await createQueue(target().api, 'shorter-leases', { ackDeadlineSeconds: 600, retryBackoff: { minSeconds: 0 } });
      await publishOk(target().api, 'shorter-leases', labelled(['slow-job']));

      // Act
      await target().api.updateSubscription('shorter-leases', 'worker', { ackDeadlineSeconds: 10 });
      const [leased] = await pull(target().api, queue);
      await target().advance(9 * SECOND);
      const beforeDeadline = await pull(target().api, queue);
      await target().advance(2 * SECOND);
      const afterDeadline = await pull(target().api, queue);

      // Assess
      expect(labelsOf([leased!])).toEqual(['slow-job']);
      expect(beforeDeadline).toEqual([]);
      expect(afterDeadline.map((delivery) => [delivery.id, delivery.deliveryAttempt])).toEqual([[leased!.id, 2]]);
      expect(requireStatus('ack', await target().api.ack('shorter-leases', 'worker', afterDeadline.map((delivery) => delivery.ackId))).acked).toBe(1);
    });

    it.each([
      { case: 'another filter', topic: 'fixed-filter', setting: 'filter', change: { filter: { key: ['other'] } } },
      { case: 'no filter instead of one', topic: 'fixed-no-filter', setting: 'filter', change: { filter: null } },
      { case: 'ordered instead of unordered', topic: 'fixed-ordered', setting: 'ordered', change: { ordered: true } },
      { case: 'another startFrom', topic: 'fixed-start', setting: 'startFrom', change: { startFrom: 'earliest' } },
    ])('answers 409 Conflict naming the setting to $case, and changes nothing', async ({ topic, setting, change }) => {
      // Prepare
      await createQueue(target().api, topic, { filter: { key: ['k'] } });

      // Act & Assess
      await expectRejectedWithoutChange(target().api, (api) => api.updateSubscription(topic, 'worker', { maxDeliveries: 1, ...change }), {
        status: 409,
        code: 'Conflict',
        mentions: [`${setting} cannot change`],
      });
    });

    it('accepts a fixed setting given with the value it has, and changes the rest', async () => {
      // Prepare
      await createQueue(target().api, 'same-fixed', { filter: { key: ['k'] }, ordered: true });

      // Act
      const response = await target().api.updateSubscription('same-fixed', 'worker', { filter: { key: ['k'] }, ordered: true, startFrom: 'latest', maxDeliveries: 9 });

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ filter: { key: ['k'] }, ordered: true, startFrom: 'latest', maxDeliveries: 9 });
    });

    it.each([
      { case: 'an empty change', body: {}, mentions: ['at least one setting'] },
      { case: 'a retry backoff naming neither bound', body: { retryBackoff: {} }, mentions: ['body.retryBackoff', 'minSeconds or maxSeconds'] },
      { case: 'an unknown field', body: { maxDeliveries: 2, visibility: 3 }, mentions: ['unknown field "visibility"'] },
      { case: 'a maxDeliveries out of range', body: { maxDeliveries: 0 }, mentions: ['body.maxDeliveries', 'between 1 and 100'] },
      { case: 'a retry backoff whose bounds cross', body: { retryBackoff: { minSeconds: 9, maxSeconds: 3 } }, mentions: ['minSeconds must not exceed maxSeconds'] },
      { case: 'a minSeconds above the maxSeconds it keeps', body: { retryBackoff: { minSeconds: 700 } }, mentions: ['minSeconds must not exceed maxSeconds', '700 > 600'] },
      { case: 'a filter that is not an object', body: { filter: 'k' }, mentions: ['body.filter'] },
    ])('answers 400 InvalidRequest to $case, and changes nothing', async ({ body, mentions }) => {
      // Prepare
      const topic = 'bad-changes';
      if ((await target().api.getTopic(topic)).status === 404) await createQueue(target().api, topic);

      // Act & Assess
      await expectRejectedWithoutChange(target().api, (api) => api.updateSubscription(topic, 'worker', body), { status: 400, code: 'InvalidRequest', mentions });
    });

    it('answers 400 InvalidFilter to a filter that is no valid pattern, before comparing it, and changes nothing', async () => {
      // Prepare
      await createQueue(target().api, 'bad-filter-change');

      // Act & Assess
      await expectRejectedWithoutChange(target().api, (api) => api.updateSubscription('bad-filter-change', 'worker', { filter: { key: [{ regex: '.*' }] } }), {
        status: 400,
        code: 'InvalidFilter',
      });
    });

    it('answers 404 SubscriptionNotFound for an unknown subscription and TopicNotFound for an unknown topic', async () => {
      // Prepare
      await target().api.createTopic('no-subscription');

      // Act
      const unknownSubscription = await target().api.updateSubscription('no-subscription', 'nobody', { maxDeliveries: 2 });
      const unknownTopic = await target().api.updateSubscription('no-such-topic', 'nobody', { maxDeliveries: 2 });

      // Assess
      expectApiError(unknownSubscription, 404, 'SubscriptionNotFound', ['nobody']);
      expectApiError(unknownTopic, 404, 'TopicNotFound', ['no-such-topic']);
    });
  });
});
