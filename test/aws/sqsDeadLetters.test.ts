import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { encodeQueuedMessage } from '../../src/adapters/aws/sqs/queueMessages.js';
import { SqsDeadLetterQueues } from '../../src/adapters/aws/SqsDeadLetterQueues.js';
import type { DeadLetter } from '../../src/domain/types.js';
import { largeMessagesOf, SMALL_BUDGET, storedBytesOf } from './largeMessages.js';
import type { Message, Subscription } from '../../src/domain/types.js';
import {
  labelsOf,
  messagesOf,
  streamRecords,
  subscriptionOf,
  topicNamed,
  useSqsWorld,
} from './sqsFixtures.js';

const payments = topicNamed('payments');

describe('Class: SqsDeadLetterQueues', () => {
  const world = useSqsWorld(payments);
  let nextOffset = 0;

  /** A subscription whose messages labelled `labels` were each nacked on their only attempt, with reason `failed <label>`. */
  const withDeadLetters = async (labels: readonly string[], settings: Partial<Subscription> = {}): Promise<{ subscription: Subscription; messages: Message[] }> => {
    const subscription = subscriptionOf(payments, 'worker', { maxDeliveries: 1, ...settings });
    await world().adapters.resources.provision(subscription);
    world().catalog.subscriptions.push(subscription);
    const messages = messagesOf(payments, labels, {}, nextOffset);
    nextOffset += labels.length;
    world().log.add(messages);
    await world().adapters.relay.handle(streamRecords(payments, messages));
    await world().adapters.unpackAll(); // the unpacker's part: the packs in the inbox into the queues
    for (const delivery of await world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 })) {
      await world().adapters.queues.nack(subscription, [delivery.ackId], undefined, `failed ${labelsOf([delivery]).join('')}`);
    }
    return { subscription, messages };
  };
  const counts = async (subscription: Subscription): Promise<Record<string, number>> => {
    const { oldestUnackedAgeSeconds: _age, ...rest } = await world().adapters.queues.stats(subscription);
    return rest;
  };

  describe('Method: list', () => {
    it('lists every dead letter with its message, attempts, time and last error, and leaves them in place', async () => {
      // Prepare
      const { subscription, messages } = await withDeadLetters(['a', 'b']);

      // Act
      const first = await world().adapters.deadLetters.list(subscription, 10);
      const second = await world().adapters.deadLetters.list(subscription, 10);

      // Assess
      const byLabel = [...first].sort((x, y) => x.id.localeCompare(y.id));
      expect(byLabel.map(({ deadLetteredAt: _at, ...letter }) => letter)).toEqual(
        messages.map((message) => ({ ...message, deliveryAttempt: 1, lastError: `failed ${labelsOf([message]).join('')}` })),
      );
      expect(second.map((letter) => letter.id).sort()).toEqual(first.map((letter) => letter.id).sort());
      expect(await counts(subscription)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 2 });
    });

    it('lists at most limit dead letters, all different', async () => {
      // Prepare
      const { subscription } = await withDeadLetters(['a', 'b', 'c']);

      // Act
      const listed = await world().adapters.deadLetters.list(subscription, 2);

      // Assess
      expect(listed).toHaveLength(2);
      expect(new Set(listed.map((letter) => letter.id)).size).toBe(2);
    });

    it('lists a message SQS’s own redrive moved, without attributes, as delivered maxReceiveCount times with no reason', async () => {
      // Prepare: what SQS moves is the message as it was queued, without Conveyor's dead-letter attributes
      const { subscription } = await withDeadLetters([], { maxDeliveries: 3 });
      const [moved] = messagesOf(payments, ['moved-by-sqs'], {}, 50);
      const { deadLetterQueue } = await world().adapters.directory.subscriptionQueues(subscription);
      await world().adapters.clients.sqs.send(new SendMessageCommand({ QueueUrl: deadLetterQueue.url, MessageBody: encodeQueuedMessage(moved as Message) }));

      // Act
      const [letter] = await world().adapters.deadLetters.list(subscription, 10);

      // Assess
      expect(letter).toMatchObject({ id: moved?.id, deliveryAttempt: 4, lastError: null });
    });

    it('lists no more than the byte budget holds; deleting those lists the next', async () => {
      // Prepare: five large messages, each nacked on its only attempt
      const { subscription } = await withDeadLetters([]);
      const messages = largeMessagesOf(payments, ['d1', 'd2', 'd3', 'd4', 'd5'], nextOffset);
      nextOffset += messages.length;
      world().log.add(messages);
      await world().adapters.relay.handle(streamRecords(payments, messages));
      await world().adapters.unpackAll(); // the unpacker's part: the packs in the inbox into the queues
      const deliveries = await world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 });
      await world().adapters.queues.nack(subscription, deliveries.map((delivery) => delivery.ackId), undefined, undefined);
      const budgeted = new SqsDeadLetterQueues(world().adapters.directory, SMALL_BUDGET);

      // Act
      const listings: DeadLetter[][] = [];
      for (let round = 0; round < 5; round += 1) {
        const listed = await budgeted.list(subscription, 1000);
        if (listed.length === 0) break;
        listings.push(listed);
        await budgeted.delete(subscription, listed.map((letter) => letter.id));
      }

      // Assess
      expect(deliveries).toHaveLength(5);
      expect(listings.map((listed) => listed.length)).toEqual([2, 2, 1]);
      for (const listed of listings) expect(storedBytesOf(listed)).toBeLessThanOrEqual(SMALL_BUDGET);
      expect(listings.flat().map((letter) => letter.id).sort()).toEqual(messages.map((message) => message.id).sort());
    });
  });

  describe('Method: redrive', () => {
    it('redrives every dead letter, delivered again from attempt 1', async () => {
      // Prepare
      const { subscription, messages } = await withDeadLetters(['a', 'b']);

      // Act
      const redriven = await world().adapters.deadLetters.redrive(subscription, undefined);
      const delivered = await world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 });

      // Assess
      expect(redriven).toBe(2);
      expect(delivered.map(({ id, deliveryAttempt }) => ({ id, deliveryAttempt })).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        messages.map(({ id }) => ({ id, deliveryAttempt: 1 })),
      );
      expect(await counts(subscription)).toEqual({ backlog: 0, inFlight: 2, delayed: 0, deadLetters: 0 });
    });

    it('redrives only the selected ids and ignores unknown ones', async () => {
      // Prepare
      const { subscription, messages } = await withDeadLetters(['a', 'b', 'c']);

      // Act
      const redriven = await world().adapters.deadLetters.redrive(subscription, [messages[1]?.id ?? '', 'no-such-message']);

      // Assess
      expect(redriven).toBe(1);
      expect(labelsOf(await world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 }))).toEqual(['b']);
      expect(labelsOf(await world().adapters.deadLetters.list(subscription, 10)).sort()).toEqual(['a', 'c']);
    });

    it('gives a redriven message maxDeliveries fresh attempts', async () => {
      // Prepare: maxDeliveries 2, and retries come back at once
      const { subscription } = await withDeadLetters(['again'], { maxDeliveries: 2, retryBackoff: { minSeconds: 0, maxSeconds: 0 } });
      const [second] = await world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 });
      await world().adapters.queues.nack(subscription, [second?.ackId ?? ''], undefined, 'again');
      await world().adapters.deadLetters.redrive(subscription, undefined);

      // Act
      const attempts: number[] = [];
      for (let round = 0; round < 2; round += 1) {
        await new Promise((resolve) => setTimeout(resolve, 5)); // SQS's "visible" means after the moment of the change
        const [delivery] = await world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 });
        attempts.push(delivery?.deliveryAttempt ?? 0);
        await world().adapters.queues.nack(subscription, [delivery?.ackId ?? ''], 0, 'again');
      }

      // Assess: the second nack was on the last of two fresh attempts
      expect([second?.deliveryAttempt, ...attempts]).toEqual([2, 1, 2]);
      expect(await counts(subscription)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 1 });
    });

    it('redrives an ordered subscription’s dead letters into its FIFO queue', async () => {
      // Prepare
      const { subscription } = await withDeadLetters([], { ordered: true });
      const messages = messagesOf(payments, ['k1'], { key: 'k' }, 70);
      world().log.add(messages);
      await world().adapters.relay.handle(streamRecords(payments, messages));
      await world().adapters.unpackAll(); // the unpacker's part: the packs in the inbox into the queues
      const [head] = await world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 });
      await world().adapters.queues.nack(subscription, [head?.ackId ?? ''], undefined, 'poison');

      // Act
      const redriven = await world().adapters.deadLetters.redrive(subscription, undefined);

      // Assess
      expect(redriven).toBe(1);
      expect(labelsOf(await world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 }))).toEqual(['k1']);
    });
  });

  describe('Method: delete', () => {
    it('deletes the selected dead letters only', async () => {
      // Prepare
      const { subscription, messages } = await withDeadLetters(['a', 'b', 'c']);

      // Act
      const deleted = await world().adapters.deadLetters.delete(subscription, [messages[0]?.id ?? '', messages[2]?.id ?? '', 'no-such-message']);

      // Assess
      expect(deleted).toBe(2);
      expect(labelsOf(await world().adapters.deadLetters.list(subscription, 10))).toEqual(['b']);
      expect(await counts(subscription)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 1 });
    });

    it('deletes every dead letter when no ids are given, unreadable ones included', async () => {
      // Prepare
      const { subscription } = await withDeadLetters(['a', 'b']);
      const { deadLetterQueue } = await world().adapters.directory.subscriptionQueues(subscription);
      await world().adapters.clients.sqs.send(new SendMessageCommand({ QueueUrl: deadLetterQueue.url, MessageBody: 'not a Conveyor message' }));

      // Act
      const deleted = await world().adapters.deadLetters.delete(subscription, undefined);

      // Assess
      expect(deleted).toBe(3);
      expect(await world().adapters.deadLetters.list(subscription, 10)).toEqual([]);
      expect(await world().adapters.deadLetters.redrive(subscription, undefined)).toBe(0);
      expect(await counts(subscription)).toEqual({ backlog: 0, inFlight: 0, delayed: 0, deadLetters: 0 });
    });
  });
});
