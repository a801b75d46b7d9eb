import type { SQSRecord } from 'aws-lambda';
import pino from 'pino';
import { subscriptionResourceNames } from '../../src/adapters/aws/names.js';
import { PackUnpacker } from '../../src/adapters/aws/packs/PackUnpacker.js';
import { packDetail } from '../../src/adapters/aws/packs/packFormat.js';
import { encodeQueuedMessage } from '../../src/adapters/aws/sqs/queueMessages.js';
import type { Subscription } from '../../src/domain/types.js';
import { FaultInjector } from '../helpers/FaultInjector.js';
import { buildAdapters, labelsOf, messagesOf, RESOURCES, subscriptionOf, topicNamed, useSqsWorld } from './sqsFixtures.js';

const orders = topicNamed('orders');

describe('Class: PackUnpacker', () => {
  const world = useSqsWorld(orders);
  const silent = pino({ level: 'silent' });

  /** An inbox record as the rule of `subscription` delivers a pack of these messages (packInputTransformer's template, filled). */
  const inboxRecord = (subscription: Subscription, labels: readonly string[], messageId = 'inbox-1'): SQSRecord => {
    const names = subscriptionResourceNames(RESOURCES.resourcePrefix, subscription);
    const detail = packDetail([names.rule], messagesOf(orders, labels).map(encodeQueuedMessage));
    return { messageId, body: `{"queue":${JSON.stringify(names.queue)},"pack":${detail}}` } as SQSRecord;
  };
  const received = async (subscription: Subscription): Promise<string[]> => labelsOf(await world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 }));

  describe('Method: handle', () => {
    it('queues each message of a pack in the subscription’s queue, one SQS message each', async () => {
      // Prepare
      const worker = subscriptionOf(orders, 'worker');
      await world().adapters.resources.provision(worker);
      const unpacker = new PackUnpacker(world().adapters.clients.sqs, world().adapters.directory, silent);

      // Act
      const answer = await unpacker.handle([inboxRecord(worker, ['a', 'b', 'c'])]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect((await received(worker)).sort()).toEqual(['a', 'b', 'c']);
    });

    it('drops a pack for a queue that no longer exists: its subscription was deleted meanwhile', async () => {
      // Prepare
      const gone = subscriptionOf(orders, 'gone');
      const unpacker = new PackUnpacker(world().adapters.clients.sqs, world().adapters.directory, silent);

      // Act
      const answer = await unpacker.handle([inboxRecord(gone, ['a'])]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
    });

    it('reports a record that is not a pack delivery, for the inbox’s dead-letter queue, and unpacks the others', async () => {
      // Prepare
      const worker = subscriptionOf(orders, 'worker');
      await world().adapters.resources.provision(worker);
      const unpacker = new PackUnpacker(world().adapters.clients.sqs, world().adapters.directory, silent);
      const strays = ['not json', '{"queue":"cvtest-s-x"}', '{"queue":"cvtest-s-x","pack":{"messages":["text"]}}'].map((body, index) => ({ messageId: `stray-${index}`, body }) as SQSRecord);

      // Act
      const answer = await unpacker.handle([...strays, inboxRecord(worker, ['a'], 'good')]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: strays.map(({ messageId }) => ({ itemIdentifier: messageId })) });
      expect(await received(worker)).toEqual(['a']);
    });

    it('reports a pack some of whose messages SQS refused after the retries, so the inbox hands it over again', async () => {
      // Prepare: every SendMessageBatch refuses its second entry
      const worker = subscriptionOf(orders, 'worker');
      await world().adapters.resources.provision(worker);
      const faulty = buildAdapters(world().emulator, world(), [new FaultInjector([{ target: 'SQS.SendMessageBatch', kind: 'partial', entries: [1] }])]);
      const unpacker = new PackUnpacker(faulty.clients.sqs, faulty.directory, silent, { attempts: 2, baseDelayMs: 1 });

      // Act
      const answer = await unpacker.handle([inboxRecord(worker, ['a', 'b'], 'refused')]);

      // Assess: a was queued, b was not; the retried pack may queue a again (at least once)
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'refused' }] });
      expect(await received(worker)).toEqual(['a']);
      faulty.clients.destroy();
    });
  });
});
