import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import pino from 'pino';
import { subscriptionResourceNames } from '../../src/adapters/aws/names.js';
import { PACK_RESEND_ATTEMPTS, PackUnpacker } from '../../src/adapters/aws/packs/PackUnpacker.js';
import { packDelivery, packDetail, readPackDelivery } from '../../src/adapters/aws/packs/packFormat.js';
import { encodeQueuedMessage } from '../../src/adapters/aws/sqs/queueMessages.js';
import type { Subscription } from '../../src/domain/types.js';
import { FaultInjector } from '../helpers/FaultInjector.js';
import { buildAdapters, labelsOf, messagesOf, RESOURCES, subscriptionOf, topicNamed, useSqsWorld, type SqsAdapters } from './sqsFixtures.js';

const orders = topicNamed('orders');

describe('Class: PackUnpacker', () => {
  const world = useSqsWorld(orders);
  const silent = pino({ level: 'silent' });

  /** The unpacker on these adapters' clients, sending refused messages back to the world's pack inbox. */
  const unpackerOn = async (adapters: SqsAdapters): Promise<{ unpacker: PackUnpacker; inboxUrl: string }> => {
    const inboxUrl = await world().adapters.directory.url('cvtest-pack-inbox');
    if (inboxUrl === null) throw new Error('no pack inbox');
    return { inboxUrl, unpacker: new PackUnpacker(adapters.clients.sqs, adapters.directory, inboxUrl, world().clock, silent, { attempts: 2, baseDelayMs: 1 }) };
  };
  /** An inbox record as the rule of `subscription` delivers a pack of these messages (packInputTransformer's template, filled), sent `ageMs` ago. */
  const inboxRecord = (subscription: Subscription, labels: readonly string[], options: { messageId?: string; ageMs?: number; receiveCount?: number } = {}): SQSRecord => {
    const names = subscriptionResourceNames(RESOURCES.resourcePrefix, subscription);
    const detail = packDetail([names.rule], messagesOf(orders, labels).map(encodeQueuedMessage));
    const attributes = { SentTimestamp: String(world().clock.now() - (options.ageMs ?? 0)), ApproximateReceiveCount: String(options.receiveCount ?? 1) };
    return { messageId: options.messageId ?? 'inbox-1', body: `{"queue":${JSON.stringify(names.queue)},"pack":${detail}}`, attributes } as unknown as SQSRecord;
  };
  const received = async (subscription: Subscription): Promise<string[]> => labelsOf(await world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 }));

  describe('Method: handle', () => {
    it('queues each message of a pack in the subscription’s queue, one SQS message each', async () => {
      // Prepare
      const worker = subscriptionOf(orders, 'worker');
      await world().adapters.resources.provision(worker);
      const { unpacker } = await unpackerOn(world().adapters);

      // Act
      const answer = await unpacker.handle([inboxRecord(worker, ['a', 'b', 'c'])]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect((await received(worker)).sort()).toEqual(['a', 'b', 'c']);
    });

    it.each([
      { case: 'older than a minute', ageMs: 61_000, receiveCount: 1 },
      { case: 'received before', ageMs: 0, receiveCount: 2 },
    ])('drops a pack for a queue that does not exist once it is $case: its subscription was deleted meanwhile', async ({ ageMs, receiveCount }) => {
      // Prepare
      const gone = subscriptionOf(orders, 'gone');
      const { unpacker } = await unpackerOn(world().adapters);

      // Act
      const answer = await unpacker.handle([inboxRecord(gone, ['a'], { ageMs, receiveCount })]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
    });

    it('keeps a new pack for a queue SQS does not know yet, which may be a subscription just created', async () => {
      // Prepare
      const unknown = subscriptionOf(orders, 'just-created');
      const { unpacker } = await unpackerOn(world().adapters);

      // Act
      const answer = await unpacker.handle([inboxRecord(unknown, ['a'], { messageId: 'young' })]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'young' }] });
    });

    it('reports a record that is not a pack delivery, for the inbox’s dead-letter queue, and unpacks the others', async () => {
      // Prepare
      const worker = subscriptionOf(orders, 'worker');
      await world().adapters.resources.provision(worker);
      const { unpacker } = await unpackerOn(world().adapters);
      const strays = ['not json', '{"queue":"cvtest-s-x"}', '{"queue":"cvtest-s-x","pack":{"messages":["text"]}}'].map((body, index) => ({ messageId: `stray-${index}`, body }) as SQSRecord);

      // Act
      const answer = await unpacker.handle([...strays, inboxRecord(worker, ['a'], { messageId: 'good' })]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: strays.map(({ messageId }) => ({ itemIdentifier: messageId })) });
      expect(await received(worker)).toEqual(['a']);
    });

    it('sends only the messages SQS did not take after the retries back to the inbox, delayed, as a pack of their own, and queues the others once', async () => {
      // Prepare: SQS fails b every time, on its side
      const worker = subscriptionOf(orders, 'worker');
      await world().adapters.resources.provision(worker);
      const faulty = buildAdapters(world().emulator, world(), [new FaultInjector([{ target: 'SQS.SendMessageBatch', kind: 'partial', entriesContaining: 'orders-b' }])]);
      const { unpacker, inboxUrl } = await unpackerOn(faulty);

      // Act
      const answer = await unpacker.handle([inboxRecord(worker, ['a', 'b', 'c'])]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [] });
      expect((await received(worker)).sort()).toEqual(['a', 'c']);
      await world().clock.advance(11_000);
      const { Messages } = await world().adapters.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: inboxUrl, MaxNumberOfMessages: 10 }));
      expect(Messages).toHaveLength(1);
      const resent = readPackDelivery(Messages?.[0]?.Body ?? '');
      expect(resent?.attempt).toBe(1);
      expect(resent?.queue).toBe(subscriptionResourceNames(RESOURCES.resourcePrefix, worker).queue);
      expect(labelsOf((resent?.bodies ?? []).map((body) => JSON.parse(body) as { filterable: { body: { label: string } } }).map((queued) => queued.filterable))).toEqual(['b']);
      faulty.clients.destroy();
    });

    it.each([
      { case: 'SQS refuses one message for good (the sender’s fault)', rules: [{ target: 'SQS.SendMessageBatch', kind: 'partial' as const, entriesContaining: 'orders-b', error: { name: 'InvalidMessageContents', status: 400 } }], failed: [] },
      {
        case: 'the refused message cannot be sent back to the inbox either',
        rules: [
          { target: 'SQS.SendMessageBatch', kind: 'partial' as const, entriesContaining: 'orders-b', error: { name: 'InvalidMessageContents', status: 400 } },
          { target: 'SQS.SendMessage', kind: 'error' as const, error: { name: 'InternalError', status: 500 } },
        ],
        failed: [{ itemIdentifier: 'inbox-1' }],
      },
    ])('answers $failed.length failed records when $case', async ({ rules, failed }) => {
      // Prepare
      const worker = subscriptionOf(orders, 'worker');
      await world().adapters.resources.provision(worker);
      const faulty = buildAdapters(world().emulator, world(), [new FaultInjector(rules)]);
      const { unpacker } = await unpackerOn(faulty);

      // Act
      const answer = await unpacker.handle([inboxRecord(worker, ['a', 'b'])]);

      // Assess: a is queued either way; b went back to the inbox, or the record comes back
      expect(answer).toEqual({ batchItemFailures: failed });
      expect(await received(worker)).toEqual(['a']);
      faulty.clients.destroy();
    });

    it(`fails the record once its messages came back ${PACK_RESEND_ATTEMPTS} times, for the inbox's dead-letter queue`, async () => {
      // Prepare: a delivery of b, sent back for the last time already
      const worker = subscriptionOf(orders, 'worker');
      await world().adapters.resources.provision(worker);
      const faulty = buildAdapters(world().emulator, world(), [new FaultInjector([{ target: 'SQS.SendMessageBatch', kind: 'partial', entriesContaining: 'orders-b' }])]);
      const { unpacker } = await unpackerOn(faulty);
      const names = subscriptionResourceNames(RESOURCES.resourcePrefix, worker);
      const lastAttempt = { messageId: 'spent', body: packDelivery(names.queue, messagesOf(orders, ['b']).map(encodeQueuedMessage), PACK_RESEND_ATTEMPTS), attributes: {} } as unknown as SQSRecord;

      // Act
      const answer = await unpacker.handle([lastAttempt]);

      // Assess
      expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'spent' }] });
      faulty.clients.destroy();
    });
  });
});
