import type { ConveyorClient, Delivery, MessageHandler, SubscribeOptions, Subscription, SubscriptionSettings } from '../../src/client/index.js';
import { describeContract } from './harness/backends.js';
import { clientOn, labelOfBody, sleep, until } from './harness/clientFixtures.js';
import { publishOk } from './harness/logFixtures.js';
import { labelled, pull, pullAll } from './harness/queueFixtures.js';

/** Failures come back at once, so a spec need not wait out a backoff. */
const NO_BACKOFF = { retryBackoff: { minSeconds: 0, maxSeconds: 0 } };
/** Specs wait this long at most for the loop to get somewhere. */
const SPEC_TIMEOUT_MS = 90_000;

/** What a handler saw of one message. */
interface Seen {
  readonly label: string;
  readonly id: string;
  readonly attempt: number;
}

const seenOf = (message: Delivery): Seen => ({ label: labelOfBody(message.body), id: message.id, attempt: message.deliveryAttempt });

describeContract('Typed client: subscribe() (conveyor/client)', (target) => {
  let running: Subscription | undefined;
  let client: ConveyorClient;
  const errors: unknown[] = [];

  beforeEach(() => {
    ({ client } = clientOn(target()));
    errors.length = 0;
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  /** A fresh topic with one subscription `worker`, its messages published, and the loop started on it. */
  async function consume(topic: string, settings: SubscriptionSettings, labels: readonly string[], handler: MessageHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    await client.putTopic(topic);
    await client.putSubscription(topic, 'worker', settings);
    if (labels.length > 0) await publishOk(target().api, topic, labelled(labels));
    running = client.subscribe(topic, 'worker', handler, { waitSeconds: 1, onError: (error) => errors.push(error), ...options });
    return running;
  }

  /**
   * `consume` of m1, m2, m3 pulled together (batch 3), one at a time: the first
   * handler call waits until `finish`, so one message runs and two wait in hand.
   */
  async function consumeHeldAtGate(topic: string, settings: SubscriptionSettings): Promise<{ subscription: Subscription; started: string[]; finish: () => void }> {
    const started: string[] = [];
    let finish: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const subscription = await consume(
      topic,
      settings,
      ['m1', 'm2', 'm3'],
      async (message) => {
        started.push(labelOfBody(message.body));
        await gate;
      },
      { concurrency: 1, batchSize: 3 },
    );
    await until('one running and three in hand', () => started.length === 1 && subscription.stats().inFlight === 3);
    return { subscription, started, finish };
  }

  it(
    'acks what the handler finished: the subscription is empty after',
    async () => {
      // Prepare
      const seen: Seen[] = [];

      // Act
      const subscription = await consume('sub-acks', {}, ['a', 'b', 'c'], (message) => {
        seen.push(seenOf(message));
      });
      await until('three messages processed', () => subscription.stats().processed === 3);
      await subscription.close();

      // Assess
      expect(seen.map((entry) => entry.label).sort()).toEqual(['a', 'b', 'c']);
      expect(seen.map((entry) => entry.attempt)).toEqual([1, 1, 1]);
      expect(subscription.stats()).toEqual({ processed: 3, failed: 0, inFlight: 0 });
      expect(await pullAll(target().api, { topic: 'sub-acks', subscription: 'worker' })).toEqual([]);
      expect(errors).toEqual([]);
    },
    SPEC_TIMEOUT_MS,
  );

  it(
    'nacks what the handler threw: the message comes back with deliveryAttempt 2',
    async () => {
      // Prepare
      const seen: Seen[] = [];

      // Act
      const subscription = await consume('sub-nacks', NO_BACKOFF, ['flaky'], (message) => {
        seen.push(seenOf(message));
        if (message.deliveryAttempt === 1) throw new Error('smtp timeout');
      });
      await until('the retry processed', () => subscription.stats().processed === 1);

      // Assess
      expect(seen.map((entry) => entry.attempt)).toEqual([1, 2]);
      expect(seen[1]!.id).toBe(seen[0]!.id);
      expect(subscription.stats()).toMatchObject({ processed: 1, failed: 1 });
    },
    SPEC_TIMEOUT_MS,
  );

  it(
    'dead-letters a message after maxDeliveries failures, with the thrown message as its last error',
    async () => {
      // Prepare
      let attempts = 0;

      // Act
      const subscription = await consume('sub-poison', { maxDeliveries: 2, ...NO_BACKOFF }, ['poison'], () => {
        attempts += 1;
        throw new Error('card declined');
      });
      await until('two failures', () => subscription.stats().failed === 2);
      await subscription.close();

      // Assess
      const { messages } = await client.listDeadLetters('sub-poison', 'worker');
      expect(messages.map((letter) => ({ label: labelOfBody(letter.body), attempts: letter.deliveryAttempt, lastError: letter.lastError }))).toEqual([{ label: 'poison', attempts: 2, lastError: 'card declined' }]);
      expect(attempts).toBe(2);
    },
    SPEC_TIMEOUT_MS,
  );

  it.each([
    { case: 'extends the lease of a handler slower than the ack deadline: nobody gets the message again meanwhile, nor after', extendLeases: true },
    { case: 'without extendLeases, the same slow handler loses its message: it is delivered again (the spec above can fail)', extendLeases: false },
  ])(
    '$case',
    async ({ extendLeases }) => {
      // Prepare: a 6 s lease, a handler of 2.5 leases, and no backoff after an expired lease
      const topic = extendLeases ? 'sub-slow' : 'sub-slow-unkept';
      const seen: Seen[] = [];
      const competing: Delivery[] = [];
      const attempts = (): number[] => [...seen, ...competing.map(seenOf)].map((entry) => entry.attempt);
      let handlerDone = false;

      // Act: another consumer pulls all along while the handler runs
      const subscription = await consume(
        topic,
        { ackDeadlineSeconds: 6, ...NO_BACKOFF },
        ['slow'],
        async (message) => {
          seen.push(seenOf(message));
          if (message.deliveryAttempt === 1) await sleep(15_000);
          handlerDone = true;
        },
        { extendLeases },
      );
      await until('the handler started', () => seen.length === 1);
      while (!handlerDone && !(extendLeases === false && attempts().includes(2))) {
        competing.push(...(await pull(target().api, { topic, subscription: 'worker' }, { max: 10 })));
        await sleep(500);
      }
      if (extendLeases) await until('the ack settled', () => subscription.stats().processed === 1 && subscription.stats().inFlight === 0);
      await subscription.close();

      // Assess
      if (extendLeases) {
        expect(attempts()).toEqual([1]);
        expect(competing).toEqual([]);
        expect(await pullAll(target().api, { topic, subscription: 'worker' })).toEqual([]);
        expect(errors).toEqual([]);
      } else {
        expect(attempts()).toContain(2);
      }
    },
    SPEC_TIMEOUT_MS,
  );

  it(
    'keeps the lease of a slow handler after a PATCH lowers the ack deadline: it is acked once, never delivered again',
    async () => {
      // Prepare: the loop runs under a 30 s deadline, then the deadline drops to 2 s
      const topic = 'sub-deadline-lowered';
      const seen: Array<Seen & { readonly leaseSeconds: number }> = [];
      const competing: Delivery[] = [];
      const subscription = await consume(topic, NO_BACKOFF, [], async (message) => {
        seen.push({ ...seenOf(message), leaseSeconds: message.leaseSeconds });
        await sleep(5000);
      });
      await client.updateSubscription(topic, 'worker', { ackDeadlineSeconds: 2 });
      // A long-poll begun before the PATCH may still lease under 30 s: publish once every such pull has ended.
      await sleep(1500);

      // Act: a handler of 2.5 deadlines, while another consumer keeps pulling
      await publishOk(target().api, topic, labelled(['slow']));
      await until('the handler started', () => seen.length === 1);
      while (subscription.stats().processed === 0) {
        competing.push(...(await pull(target().api, { topic, subscription: 'worker' }, { max: 10 })));
        await sleep(250);
      }
      await until('the ack settled', () => subscription.stats().inFlight === 0);
      await subscription.close();

      // Assess
      expect(seen.map(({ label, attempt, leaseSeconds }) => ({ label, attempt, leaseSeconds }))).toEqual([{ label: 'slow', attempt: 1, leaseSeconds: 2 }]);
      expect(competing).toEqual([]);
      expect(await pullAll(target().api, { topic, subscription: 'worker' })).toEqual([]);
      expect(errors).toEqual([]);
    },
    SPEC_TIMEOUT_MS,
  );

  it(
    'keeps the order of each key on an ordered subscription while running several keys at once',
    async () => {
      // Prepare
      const order = new Map<string, string[]>();
      const runningKeys = new Set<string>();
      let overlapsOfOneKey = 0;
      let mostAtOnce = 0;
      const keyed = (key: string): ReturnType<typeof labelled> => labelled([1, 2, 3].map((n) => `${key}${n}`), { key });
      await client.putTopic('sub-ordered');
      await client.putSubscription('sub-ordered', 'worker', { ordered: true });
      await publishOk(target().api, 'sub-ordered', [...keyed('A'), ...keyed('B'), ...keyed('C')]);

      // Act
      running = client.subscribe(
        'sub-ordered',
        'worker',
        async (message) => {
          const key = message.key!;
          if (runningKeys.has(key)) overlapsOfOneKey += 1;
          runningKeys.add(key);
          mostAtOnce = Math.max(mostAtOnce, runningKeys.size);
          order.set(key, [...(order.get(key) ?? []), labelOfBody(message.body)]);
          await sleep(400);
          runningKeys.delete(key);
        },
        { concurrency: 4, waitSeconds: 1, onError: (error) => errors.push(error) },
      );
      await until('nine messages processed', () => running!.stats().processed === 9, 60_000);

      // Assess
      expect(Object.fromEntries(order)).toEqual({ A: ['A1', 'A2', 'A3'], B: ['B1', 'B2', 'B3'], C: ['C1', 'C2', 'C3'] });
      expect(overlapsOfOneKey).toBe(0);
      expect(mostAtOnce).toBeGreaterThan(1);
    },
    SPEC_TIMEOUT_MS,
  );

  it(
    'close() lets the running handler finish and ack, and gives back what had not started, ready at once',
    async () => {
      // Prepare
      const { subscription, started, finish } = await consumeHeldAtGate('sub-close', {});

      // Act
      let closed = false;
      const closing = subscription.close().then(() => {
        closed = true;
      });
      await sleep(300);
      const closedBeforeTheHandlerEnded = closed;
      finish();
      await closing;
      const back = await pullAll(target().api, { topic: 'sub-close', subscription: 'worker' });

      // Assess
      expect(closedBeforeTheHandlerEnded).toBe(false);
      expect(started).toHaveLength(1);
      expect(subscription.stats()).toEqual({ processed: 1, failed: 0, inFlight: 0 });
      expect(back.map((delivery) => ({ label: labelOfBody(delivery.body), attempt: delivery.deliveryAttempt })).sort((a, b) => a.label.localeCompare(b.label))).toEqual(
        ['m1', 'm2', 'm3'].filter((label) => label !== started[0]).map((label) => ({ label, attempt: 2 })),
      );
    },
    SPEC_TIMEOUT_MS,
  );

  it(
    'close() with maxDeliveries 1 dead-letters nothing: every pulled message is handled or ready again',
    async () => {
      // Prepare: every message is on its last attempt; one runs, two wait for the handler
      const { subscription, started, finish } = await consumeHeldAtGate('sub-close-last', { maxDeliveries: 1 });

      // Act
      const closing = subscription.close();
      finish();
      await closing;
      const ready = await pullAll(target().api, { topic: 'sub-close-last', subscription: 'worker' });
      const { messages: deadLetters } = await client.listDeadLetters('sub-close-last', 'worker');

      // Assess
      expect(deadLetters).toEqual([]);
      expect([...started, ...ready.map((delivery) => labelOfBody(delivery.body))].sort()).toEqual(['m1', 'm2', 'm3']);
      expect(subscription.stats()).toEqual({ processed: started.length, failed: 0, inFlight: 0 });
      expect(errors).toEqual([]);
    },
    SPEC_TIMEOUT_MS,
  );
});
