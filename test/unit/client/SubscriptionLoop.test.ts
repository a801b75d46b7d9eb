import { ConveyorError } from '../../../src/client/errors.js';
import { SubscriptionLoop } from '../../../src/client/subscribe/SubscriptionLoop.js';
import type { MessageHandler, SubscribeOptions, Subscription } from '../../../src/client/subscribe/types.js';
import type { Delivery } from '../../../src/client/types.js';
import { apiFailure, deliveryOf, eventually, FakeSubscriptionApi, subscriptionOf } from './fakeSubscriptionApi.js';

const TARGET = { topic: 'orders', subscription: 'billing' };
/** Gates of every gated handler, opened after each spec so that close() can finish. */
const openGates: Array<() => void> = [];

/** A handler whose calls each wait until the spec lets that label finish (or fail). */
function gatedHandler(): { handler: MessageHandler; started: string[]; running: Set<string>; finish: (label: string, error?: Error) => void } {
  const started: string[] = [];
  const running = new Set<string>();
  const gates = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const handler: MessageHandler = (message) => {
    const label = (message.body as { label: string }).label;
    started.push(label);
    running.add(label);
    return new Promise<void>((resolve, reject) => {
      gates.set(label, { resolve, reject });
      openGates.push(resolve);
    }).finally(() => running.delete(label));
  };
  const finish = (label: string, error?: Error): void => {
    const gate = gates.get(label);
    if (gate === undefined) throw new Error(`${label} has not started`);
    if (error === undefined) gate.resolve();
    else gate.reject(error);
  };
  return { handler, started, running, finish };
}

describe('Class: SubscriptionLoop', () => {
  let subscription: Subscription | undefined;
  const start = (api: FakeSubscriptionApi, handler: MessageHandler, options: SubscribeOptions = {}): Subscription => {
    subscription = SubscriptionLoop.start(api, TARGET, handler, { waitSeconds: 1, ...options });
    return subscription;
  };
  afterEach(async () => {
    for (const open of openGates.splice(0)) open();
    await subscription?.close();
    subscription = undefined;
  });

  describe('Handling', () => {
    it('acks a message whose handler resolved and nacks one whose handler threw, with the error message as the reason', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      api.offer(deliveryOf('good'), deliveryOf('bad'));

      // Act
      const running = start(api, (message) => {
        if ((message.body as { label: string }).label === 'bad') throw new Error('card declined');
      });
      await eventually(() => api.acked.length + api.nacked.length === 2);

      // Assess
      expect(api.acked).toEqual(['ack-good']);
      expect(api.nacked).toEqual([{ ackIds: ['ack-bad'], reason: 'card declined' }]);
      expect(running.stats()).toEqual({ processed: 1, failed: 1, inFlight: 0 });
    });

    it('runs at most `concurrency` handlers at once', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      const gated = gatedHandler();
      api.offer(...['a', 'b', 'c', 'd'].map((label) => deliveryOf(label)));

      // Act
      start(api, gated.handler, { concurrency: 2 });
      await eventually(() => gated.started.length === 2);
      const atFirst = [...gated.running];
      gated.finish('a');
      await eventually(() => gated.started.length === 3);

      // Assess
      expect(atFirst).toEqual(['a', 'b']);
      expect([...gated.running]).toEqual(['b', 'c']);
    });

    it('on an ordered subscription, runs the messages of one key one at a time, in offset order, and other keys meanwhile', async () => {
      // Prepare
      const api = new FakeSubscriptionApi(subscriptionOf({ ordered: true }));
      const gated = gatedHandler();
      api.offer(deliveryOf('A2', { key: 'A', offset: 2 }), deliveryOf('A1', { key: 'A', offset: 1 }), deliveryOf('B1', { key: 'B', offset: 3 }), deliveryOf('n', { offset: 4 }));

      // Act
      start(api, gated.handler, { concurrency: 3 });
      await eventually(() => gated.started.length === 3);
      const before = [...gated.started];
      gated.finish('A1');
      await eventually(() => gated.started.length === 4);

      // Assess
      expect(before).toEqual(['A1', 'B1', 'n']);
      expect(gated.started[3]).toBe('A2');
    });

    it('pulls no more than maxInFlight messages into its hands', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      const gated = gatedHandler();
      api.offer(...['a', 'b', 'c', 'd', 'e'].map((label) => deliveryOf(label)));

      // Act
      const running = start(api, gated.handler, { concurrency: 5, maxInFlight: 3 });
      await eventually(() => gated.started.length === 3);
      await new Promise((resolve) => setTimeout(resolve, 50));

      // Assess
      expect(gated.started).toEqual(['a', 'b', 'c']);
      expect(running.stats().inFlight).toBe(3);
    });
  });

  describe('Leases', () => {
    it('extends the lease of a message still running after two thirds of its lease, by the length of its lease', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      const gated = gatedHandler();
      api.offer(deliveryOf('slow', { leaseSeconds: 1 }));

      // Act
      start(api, gated.handler);
      await eventually(() => api.extended.length >= 2);
      gated.finish('slow');
      await eventually(() => api.acked.length === 1);

      // Assess
      expect(api.extended.slice(0, 2)).toEqual([
        { ackIds: ['ack-slow'], seconds: 1 },
        { ackIds: ['ack-slow'], seconds: 1 },
      ]);
    });

    it('keeps each lease by its own length, whatever the subscription said when the loop started', async () => {
      // Prepare: the loop read a deadline of 30 s; the leases came with 1 s and 2 s
      const api = new FakeSubscriptionApi(subscriptionOf({ ackDeadlineSeconds: 30 }));
      const gated = gatedHandler();
      api.offer(deliveryOf('short', { leaseSeconds: 1 }), deliveryOf('longer', { leaseSeconds: 2 }));

      // Act
      start(api, gated.handler, { concurrency: 2 });
      await eventually(() => api.extended.some((request) => request.ackIds.includes('ack-longer')), 3000);
      gated.finish('short');
      gated.finish('longer');
      await eventually(() => api.acked.length === 2);

      // Assess
      const lengths = new Map(api.extended.flatMap((request) => request.ackIds.map((ackId) => [ackId, request.seconds] as const)));
      expect(Object.fromEntries(lengths)).toEqual({ 'ack-short': 1, 'ack-longer': 2 });
    });

    it('times a lease from when the pull was sent, so an answer that came late is extended before the lease ends', async () => {
      // Prepare: the answer takes 0.9 of the 1 s lease to arrive
      const api = new FakeSubscriptionApi();
      api.answerDelayMs = 900;
      const gated = gatedHandler();
      api.offer(deliveryOf('late', { leaseSeconds: 1 }));

      // Act
      start(api, gated.handler);
      await eventually(() => api.extended.length >= 1);
      gated.finish('late');

      // Assess: the first extension went out within the lease counted from the pull's sending
      expect(api.extendedAt[0]! - api.pulledAt[0]!).toBeLessThan(1000);
    });

    it('does not extend leases when extendLeases is false', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      const gated = gatedHandler();
      api.offer(deliveryOf('slow', { leaseSeconds: 1 }));

      // Act
      start(api, gated.handler, { extendLeases: false });
      await eventually(() => gated.started.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      gated.finish('slow');

      // Assess
      expect(api.extended).toEqual([]);
    });
  });

  describe('Errors of the loop', () => {
    it('reports a failed pull through onError and pulls again', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      const errors: unknown[] = [];
      api.failPulls(new ConveyorError({ status: 0, code: 'NetworkError', message: 'ECONNRESET' }), apiFailure(503, 'Unavailable'));
      api.offer(deliveryOf('after'));

      // Act
      start(api, () => undefined, { onError: (error) => errors.push(error) });
      await eventually(() => api.acked.length === 1);

      // Assess
      expect(errors.map((error) => (error as ConveyorError).code)).toEqual(['NetworkError', 'Unavailable']);
      expect(api.pulls).toBeGreaterThanOrEqual(3);
    });

    it.each([
      { case: 'an ack answered 503 is sent again (acking twice does no harm)', operation: 'ack' as const, failure: apiFailure(503, 'Unavailable'), calls: 2 },
      { case: 'a nack answered 429 is sent again (refused before any work)', operation: 'nack' as const, failure: apiFailure(429, 'RateLimited'), calls: 2 },
      { case: 'a nack answered 503 is not (it may have counted a delivery), and is reported', operation: 'nack' as const, failure: apiFailure(503, 'Unavailable'), calls: 1 },
    ])('$case', async ({ operation, failure, calls }) => {
      // Prepare
      const api = new FakeSubscriptionApi();
      api.failSettles(operation, failure);
      api.offer(deliveryOf('one'));
      const errors: unknown[] = [];

      // Act
      const running = start(api, () => {
        if (operation === 'nack') throw new Error('card declined');
      }, { onError: (error) => errors.push(error) });
      await eventually(() => running.stats().inFlight === 0 && api.calls[operation] >= 1);
      await new Promise((resolve) => setTimeout(resolve, 100));

      // Assess
      expect(api.calls[operation]).toBe(calls);
      expect(errors).toEqual(calls === 1 ? [failure] : []);
    });

    it('ends when a pull is refused for good: closed rejects with the error', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      const refusal = apiFailure(404, 'SubscriptionNotFound');
      api.failPulls(refusal);
      const errors: unknown[] = [];

      // Act
      const running = start(api, () => undefined, { onError: (error) => errors.push(error) });
      const outcome = await running.closed.then(
        () => 'resolved',
        (error: unknown) => error,
      );

      // Assess
      expect(outcome).toBe(refusal);
      expect(errors).toEqual([refusal]);
      await expect(running.close()).resolves.toBeUndefined();
    });

    it('goes on when onError itself throws', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      api.failPulls(apiFailure(503, 'Unavailable'));
      api.offer(deliveryOf('after'));

      // Act
      start(api, () => undefined, {
        onError: () => {
          throw new Error('a broken error handler');
        },
      });
      await eventually(() => api.acked.length === 1);

      // Assess
      expect(api.acked).toEqual(['ack-after']);
    });

    it.each([
      { case: 'concurrency 0', options: { concurrency: 0 }, message: 'concurrency must be an integer between 1 and 1000, but 0 was provided' },
      { case: 'a batch over 100', options: { batchSize: 101 }, message: 'batchSize must be an integer between 1 and 100, but 101 was provided' },
      { case: 'a wait over 20 s', options: { waitSeconds: 21 }, message: 'waitSeconds must be an integer between 0 and 20, but 21 was provided' },
    ])('refuses $case at once', ({ options, message }) => {
      // Act
      const starting = (): Subscription => SubscriptionLoop.start(new FakeSubscriptionApi(), TARGET, () => undefined, options);

      // Assess
      expect(starting).toThrow(new RangeError(message));
    });
  });

  describe('Method: close', () => {
    it('stops pulling, lets the running handler finish and acks it, and gives back at once what had not started', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      const gated = gatedHandler();
      api.offer(deliveryOf('running'), deliveryOf('waiting-1'), deliveryOf('waiting-2'));
      const running = start(api, gated.handler, { concurrency: 1 });
      await eventually(() => gated.started.length === 1);

      // Act
      let closed = false;
      const closing = running.close().then(() => {
        closed = true;
      });
      await eventually(() => api.nacked.length === 1);
      const closedBeforeHandlerEnded = closed;
      const pullsAtClose = api.pulls;
      gated.finish('running');
      await closing;

      // Assess
      expect(closedBeforeHandlerEnded).toBe(false);
      expect(api.nacked).toEqual([{ ackIds: ['ack-waiting-1', 'ack-waiting-2'], reason: 'released unstarted: the consumer closed', delaySeconds: 0 }]);
      expect(api.acked).toEqual(['ack-running']);
      expect(gated.started).toEqual(['running']);
      expect(api.pulls).toBe(pullsAtClose);
      expect(running.stats()).toEqual({ processed: 1, failed: 0, inFlight: 0 });
    });

    it('runs the messages on their last attempt instead of giving them back, which would dead-letter them unhandled', async () => {
      // Prepare: maxDeliveries 3; one message running, one waiting on its last attempt, one on an earlier attempt
      const api = new FakeSubscriptionApi(subscriptionOf({ maxDeliveries: 3 }));
      const gated = gatedHandler();
      api.offer(deliveryOf('running'), deliveryOf('last', { deliveryAttempt: 3 }), deliveryOf('earlier', { deliveryAttempt: 2 }));
      const running = start(api, gated.handler, { concurrency: 1 });
      await eventually(() => gated.started.length === 1);

      // Act
      const closing = running.close();
      await eventually(() => api.nacked.length === 1);
      gated.finish('running');
      await eventually(() => gated.started.length === 2);
      gated.finish('last');
      await closing;

      // Assess
      expect(api.nacked).toEqual([{ ackIds: ['ack-earlier'], reason: 'released unstarted: the consumer closed', delaySeconds: 0 }]);
      expect(gated.started).toEqual(['running', 'last']);
      expect(api.acked).toEqual(['ack-running', 'ack-last']);
      expect(running.stats()).toEqual({ processed: 2, failed: 0, inFlight: 0 });
    });

    it('judges the last attempt by maxDeliveries as it is at close(), read again', async () => {
      // Prepare: the loop starts under maxDeliveries 5, lowered to 2 before close()
      const api = new FakeSubscriptionApi(subscriptionOf({ maxDeliveries: 5 }));
      const gated = gatedHandler();
      api.offer(deliveryOf('running'), deliveryOf('second', { deliveryAttempt: 2 }));
      const running = start(api, gated.handler, { concurrency: 1 });
      await eventually(() => gated.started.length === 1);
      api.changeSubscription({ maxDeliveries: 2 });

      // Act
      const closing = running.close();
      gated.finish('running');
      await eventually(() => gated.started.length === 2);
      gated.finish('second');
      await closing;

      // Assess
      expect(api.nacked).toEqual([]);
      expect(api.acked).toEqual(['ack-running', 'ack-second']);
    });

    it('with messages to give back, lets the long-poll in progress end first, and gives back what it brought too', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      const gated = gatedHandler();
      api.offer(deliveryOf('running'), deliveryOf('waiting'));
      const running = start(api, gated.handler, { concurrency: 1, waitSeconds: 20 });
      await eventually(() => gated.started.length === 1 && api.pulls === 2);

      // Act
      const closing = running.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const givenBackBeforeThePullEnded = api.nacked.length;
      api.offer(deliveryOf('late'));
      await eventually(() => api.nacked.length === 1);
      gated.finish('running');
      await closing;

      // Assess
      expect(givenBackBeforeThePullEnded).toBe(0);
      expect(api.nacked).toEqual([{ ackIds: ['ack-waiting', 'ack-late'], reason: 'released unstarted: the consumer closed', delaySeconds: 0 }]);
      expect(api.acked).toEqual(['ack-running']);
    });

    it('cuts a waiting long-poll short', async () => {
      // Prepare
      const api = new FakeSubscriptionApi();
      const running = start(api, (_message: Delivery) => undefined, { waitSeconds: 20 });
      await eventually(() => api.pulls === 1);

      // Act
      await running.close();

      // Assess
      await expect(running.closed).resolves.toBeUndefined();
    });
  });
});
