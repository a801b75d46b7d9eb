import { DynamoGroupOffsets } from '../../src/adapters/aws/DynamoGroupOffsets.js';
import { DynamoMetadataStore } from '../../src/adapters/aws/DynamoMetadataStore.js';
import { RequestCounter } from '../../src/adapters/aws/RequestCounter.js';
import { FakeProvisioner, FakeTimers, TABLES, topicFactory, useDynamo } from './dynamoFixtures.js';

describe('Class: DynamoGroupOffsets', () => {
  const dynamo = useDynamo();
  let groups: DynamoGroupOffsets;

  beforeEach(async () => {
    groups = new DynamoGroupOffsets(dynamo().clients, TABLES);
    const metadata = new DynamoMetadataStore(dynamo().clients, TABLES, { provisioner: new FakeProvisioner(), backfill: async () => undefined, timers: new FakeTimers() });
    await metadata.createTopic(topicFactory({ name: 'orders', partitions: 64 }));
  });

  describe('Method: commit', () => {
    it('stores every partition of a commit in one transaction', async () => {
      // Prepare
      const counter = new RequestCounter();
      const counted = new DynamoGroupOffsets(dynamo().newClients(counter), TABLES);
      const offsets = Array.from({ length: 64 }, (_, partition) => ({ partition, offset: partition * 10 }));

      // Act
      await counted.commit('orders', 'billing', offsets);

      // Assess
      expect(counter.snapshot()).toEqual({ 'DynamoDB.TransactWriteItems': 1 });
      expect(await groups.get('orders', 'billing')).toEqual(new Map(offsets.map(({ partition, offset }) => [partition, offset])));
    });

    it('keeps the committed offset of partitions a later commit does not list, and moves the others', async () => {
      // Prepare
      await groups.commit('orders', 'billing', [{ partition: 0, offset: 3 }, { partition: 1, offset: 1 }]);

      // Act
      await groups.commit('orders', 'billing', [{ partition: 1, offset: 4 }]);

      // Assess
      expect(await groups.get('orders', 'billing')).toEqual(new Map([[0, 3], [1, 4]]));
    });

    it('throws TopicNotFound for a topic that does not exist, and stores nothing', async () => {
      await expect(groups.commit('missing', 'billing', [{ partition: 0, offset: 1 }])).rejects.toMatchObject({ code: 'TopicNotFound' });
      expect(await groups.get('missing', 'billing')).toEqual(new Map());
    });
  });

  describe('Method: get', () => {
    it('answers an empty map for a group that never committed', async () => {
      expect(await groups.get('orders', 'newcomer')).toEqual(new Map());
    });

    it('keeps groups apart, even when one name starts with the other', async () => {
      // Prepare
      await groups.commit('orders', 'bill', [{ partition: 0, offset: 1 }]);
      await groups.commit('orders', 'billing', [{ partition: 0, offset: 2 }]);

      // Act
      const [bill, billing] = await Promise.all([groups.get('orders', 'bill'), groups.get('orders', 'billing')]);

      // Assess
      expect(bill).toEqual(new Map([[0, 1]]));
      expect(billing).toEqual(new Map([[0, 2]]));
    });
  });
});
