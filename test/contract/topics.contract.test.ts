import { describeContract } from './harness/backends.js';

describeContract('Topics', (target) => {
  describe('PUT /v1/topics/{topic}', () => {
    it('creates a topic with the documented defaults and answers 201', async () => {
      // Act
      const response = await target().api.createTopic('defaults');

      // Assess
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ name: 'defaults', partitions: 4, retentionHours: 168, dedupWindowSeconds: 3600 });
    });

    it('answers 200 when the topic exists with the same settings', async () => {
      // Prepare
      await target().api.createTopic('same', { partitions: 2 });

      // Act
      const response = await target().api.createTopic('same', { partitions: 2 });

      // Assess
      expect(response.status).toBe(200);
      expect(response.body.partitions).toBe(2);
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
      // Prepare
      await target().api.createTopic('described', { partitions: 2 });
      await target().api.publish('described', [{ key: 'a', body: 1 }, { key: 'a', body: 2 }]);

      // Act
      const response = await target().api.getTopic('described');

      // Assess
      const partitions = response.body.stats?.partitions ?? [];
      expect(partitions).toHaveLength(2);
      expect(partitions.reduce((sum, p) => sum + p.nextOffset - p.oldestOffset, 0)).toBe(2);
    });
  });

  describe('DELETE /v1/topics/{topic}', () => {
    it('deletes the topic with its subscriptions, and a new topic of that name starts empty', async () => {
      // Prepare
      await target().api.createTopic('doomed', { partitions: 1 });
      await target().api.createSubscription('doomed', 'worker');
      await target().api.publish('doomed', [{ body: 'old' }]);

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
