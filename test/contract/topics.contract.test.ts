import { requireStatus } from './harness/ApiClient.js';
import { describeContract } from './harness/backends.js';
import { KAFKA_MURMUR2_VECTORS, kafkaPartition, publishOk } from './harness/logFixtures.js';
import { iso } from './harness/queueFixtures.js';

const DEFAULTS = { partitions: 4, retentionHours: 168, dedupWindowSeconds: 3600 };

describeContract('Topics', (target) => {
  describe('PUT /v1/topics/{topic}', () => {
    it('creates a topic with the documented defaults and answers 201', async () => {
      // Prepare
      target().clock.freeze();

      // Act
      const response = await target().api.createTopic('defaults');

      // Assess
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ name: 'defaults', ...DEFAULTS, createdAt: iso(target().clock.now()) });
    });

    it('answers 200 with the existing topic when it exists with the same settings', async () => {
      // Prepare
      const created = requireStatus('creating topic same', await target().api.createTopic('same', { partitions: 2 }), 201);

      // Act
      const response = await target().api.createTopic('same', { partitions: 2 });

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toEqual(created);
    });

    it('answers 409 Conflict when the topic exists with other settings, and keeps the original', async () => {
      // Prepare
      await target().api.createTopic('differs', { partitions: 2 });

      // Act
      const response = await target().api.createTopic('differs', { partitions: 3 });

      // Assess
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('Conflict');
      expect((await target().api.getTopic('differs')).body.partitions).toBe(2);
    });
  });

  describe('GET /v1/topics/{topic}', () => {
    it('describes every partition with its oldest and next offset', async () => {
      // Prepare: both messages share a key, so they land on one partition
      const { key, hash } = KAFKA_MURMUR2_VECTORS[0];
      const keyed = kafkaPartition(hash, 2);
      await target().api.createTopic('described', { partitions: 2 });
      await publishOk(target().api, 'described', [{ key, body: 1 }, { key, body: 2 }]);

      // Act
      const response = await target().api.getTopic('described');

      // Assess
      expect(response.status).toBe(200);
      expect(response.body.stats).toEqual({
        partitions: [0, 1].map((partition) => ({ partition, oldestOffset: 0, nextOffset: partition === keyed ? 2 : 0 })),
        delayed: 0,
      });
    });
  });

  describe('DELETE /v1/topics/{topic}', () => {
    it('deletes the topic with its subscriptions, and a new topic of that name starts empty', async () => {
      // Prepare
      await target().api.createTopic('doomed', { partitions: 1 });
      await target().api.createSubscription('doomed', 'worker');
      await publishOk(target().api, 'doomed', [{ body: 'old' }]);

      // Act
      const deleted = await target().api.deleteTopic('doomed');

      // Assess
      expect(deleted.status).toBe(204);
      expect((await target().api.getTopic('doomed')).status).toBe(404);
      await target().api.createTopic('doomed', { partitions: 1 });
      expect((await target().api.read('doomed', 0)).body.messages).toEqual([]);
      expect((await target().api.getSubscription('doomed', 'worker')).status).toBe(404);
    });
  });
});
