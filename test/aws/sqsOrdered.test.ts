import type { Delivery, Message, Subscription } from '../../src/domain/types.js';
import {
  labelsOf,
  messagesOf,
  SECOND,
  streamRecords,
  subscriptionOf,
  topicNamed,
  useSqsWorld,
} from './sqsFixtures.js';

const ledger = topicNamed('ledger');

describe('Class: SqsSubscriptionQueues, ordered subscriptions (FIFO)', () => {
  const world = useSqsWorld(ledger);
  let nextOffset = 0;

  const subscribe = async (settings: Partial<Subscription> = {}): Promise<Subscription> => {
    const subscription = subscriptionOf(ledger, 'worker', { ordered: true, retryBackoff: { minSeconds: 30, maxSeconds: 30 }, ...settings });
    await world().adapters.resources.provision(subscription);
    world().catalog.subscriptions.push(subscription);
    return subscription;
  };
  /** Messages labelled `<key><n>`, with that key, appended in this order and relayed. */
  const publish = async (spec: ReadonlyArray<readonly [key: string | null, label: string]>): Promise<Message[]> => {
    const messages = spec.map(([key, label], index) => ({ ...(messagesOf(ledger, [label], {}, nextOffset + index)[0] as Message), key }));
    nextOffset += spec.length;
    world().log.add(messages);
    expect(await world().adapters.relay.handle(streamRecords(ledger, messages))).toEqual({ batchItemFailures: [] });
    return messages;
  };
  const keyed = (key: string, count: number): Array<[string, string]> => Array.from({ length: count }, (_, index) => [key, `${key}${index + 1}`]);
  const pull = (subscription: Subscription): Promise<Delivery[]> => world().adapters.queues.receive(subscription, { max: 10, waitMs: 0 });
  const ack = async (subscription: Subscription, deliveries: readonly Delivery[]): Promise<void> => {
    await world().adapters.queues.ack(subscription, deliveries.map((delivery) => delivery.ackId));
  };
  /** Pulls with room for ten and acks, round after round, until nothing comes: the labels of each round. */
  const consumeInRounds = async (subscription: Subscription): Promise<string[][]> => {
    const rounds: string[][] = [];
    for (;;) {
      const batch = await pull(subscription);
      if (batch.length === 0) return rounds;
      rounds.push(labelsOf(batch).sort());
      await ack(subscription, batch);
    }
  };

  it('delivers the messages of one key one at a time, in offset order', async () => {
    // Prepare
    const worker = await subscribe();
    await publish(keyed('A', 4));

    // Act
    const rounds = await consumeInRounds(worker);

    // Assess
    expect(rounds).toEqual([['A1'], ['A2'], ['A3'], ['A4']]);
  });

  it('holds the next message of a key back while the previous one is leased', async () => {
    // Prepare
    const worker = await subscribe();
    await publish(keyed('A', 3));
    const head = await pull(worker);

    // Act
    const whileLeased = await pull(worker);
    await ack(worker, head);
    const afterAck = await pull(worker);

    // Assess
    expect(labelsOf(head)).toEqual(['A1']);
    expect(whileLeased).toEqual([]);
    expect(labelsOf(afterAck)).toEqual(['A2']);
  });

  it('delivers messages of different keys in parallel, and does not hold back messages without a key', async () => {
    // Prepare
    const worker = await subscribe();
    await publish([...keyed('A', 2), ...keyed('B', 2), [null, 'n1'], [null, 'n2']]);

    // Act
    const rounds = await consumeInRounds(worker);

    // Assess
    expect(rounds).toEqual([
      ['A1', 'B1', 'n1', 'n2'],
      ['A2', 'B2'],
    ]);
  });

  it('groups keys SQS could not take as a group id (long, or beyond ASCII) just the same', async () => {
    // Prepare
    const worker = await subscribe();
    const long = 'k'.repeat(200);
    await publish([
      [long, 'L1'],
      ['ключ', 'U1'],
      [long, 'L2'],
      ['ключ', 'U2'],
    ]);

    // Act
    const rounds = await consumeInRounds(worker);

    // Assess
    expect(rounds).toEqual([
      ['L1', 'U1'],
      ['L2', 'U2'],
    ]);
  });

  it('keeps the order when a message is nacked: its key waits until it is redelivered and acked', async () => {
    // Prepare
    const worker = await subscribe();
    await publish(keyed('A', 2));
    const [head] = await pull(worker);
    await world().adapters.queues.nack(worker, [head?.ackId ?? ''], undefined, undefined);

    // Act
    const duringBackoff = await pull(worker);
    await world().clock.advance(31 * SECOND);
    const redelivered = await pull(worker);
    await ack(worker, redelivered);
    const next = await pull(worker);

    // Assess
    expect(duringBackoff).toEqual([]);
    expect(redelivered.map((delivery) => [labelsOf([delivery])[0], delivery.deliveryAttempt])).toEqual([['A1', 2]]);
    expect(labelsOf(next)).toEqual(['A2']);
  });

  it('keeps the order when a lease expires: the same message comes back before the next one', async () => {
    // Prepare
    const worker = await subscribe({ ackDeadlineSeconds: 10 });
    await publish(keyed('A', 2));
    await pull(worker);

    // Act
    await world().clock.advance(11 * SECOND);
    const redelivered = await pull(worker);

    // Assess
    expect(redelivered.map((delivery) => [labelsOf([delivery])[0], delivery.deliveryAttempt])).toEqual([['A1', 2]]);
  });

  it('releases the next message of a key once the previous one is dead-lettered', async () => {
    // Prepare
    const worker = await subscribe({ maxDeliveries: 1 });
    await publish(keyed('A', 2));
    const [head] = await pull(worker);

    // Act
    await world().adapters.queues.nack(worker, [head?.ackId ?? ''], undefined, 'poison');
    const next = await pull(worker);

    // Assess
    expect(labelsOf(next)).toEqual(['A2']);
    expect(labelsOf(await world().adapters.deadLetters.list(worker, 10))).toEqual(['A1']);
  });

  it('releases the next message of a key once a receive dead-letters the head whose leases expired', async () => {
    // Prepare
    const worker = await subscribe({ maxDeliveries: 1, ackDeadlineSeconds: 10 });
    await publish(keyed('A', 2));
    await pull(worker);
    await world().clock.advance(11 * SECOND);

    // Act
    const next = await pull(worker);

    // Assess
    expect(labelsOf(next)).toEqual(['A2']);
    expect(labelsOf(await world().adapters.deadLetters.list(worker, 10))).toEqual(['A1']);
  });
});
