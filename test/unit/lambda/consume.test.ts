import type { SQSBatchResponse } from 'aws-lambda';
import { ConsumerConfigurationError } from '../../../src/lambda/errors.js';
import { takeFailure } from '../../../src/lambda/failureRegistry.js';
import { consume, type ConsumedMessage, type ConsumeOptions, type MessageHandler } from '../../../src/lambda/index.js';
import { SUBSCRIPTION_QUEUES_ENV, subscriptionQueuesVariable } from '../../../src/lambda/subscriptionQueues.js';
import { CapturingLogger, contextOf, deferred, deliveryOf, FIFO_QUEUE_ARN, QUEUE_ARN, sqsEventOf } from '../../lambda/factories.js';

const BINDINGS = subscriptionQueuesVariable([
  { queueArn: QUEUE_ARN, topic: 'orders', subscription: 'billing', maxDeliveries: 3 },
  { queueArn: FIFO_QUEUE_ARN, topic: 'orders', subscription: 'shipping' },
]);

/** The handler `consume` makes, with a logger that keeps its lines. */
function consumerOf(fn: MessageHandler, options: ConsumeOptions = {}): { handler: ReturnType<typeof consume>; logger: CapturingLogger } {
  const logger = new CapturingLogger();
  return { handler: consume(fn, { logger, ...options }), logger };
}

function failedIds(response: SQSBatchResponse, event: ReturnType<typeof sqsEventOf>): string[] {
  const conveyorIds = new Map(event.Records.map((record, index) => [record.messageId, index]));
  return response.batchItemFailures.map((failure) => `order-${conveyorIds.get(failure.itemIdentifier)}`);
}

describe('Function: consume', () => {
  beforeEach(() => {
    process.env[SUBSCRIPTION_QUEUES_ENV] = BINDINGS;
  });
  afterEach(() => {
    delete process.env[SUBSCRIPTION_QUEUES_ENV];
  });

  describe('Decoding', () => {
    it.each([
      { case: 'an unordered subscription (EventBridge event on a standard queue)', ordered: false, subscription: 'billing' },
      { case: 'an ordered subscription (queued message on a FIFO queue)', ordered: true, subscription: 'shipping' },
    ])('hands the handler every field a pull returns, for $case', async ({ ordered, subscription }) => {
      // Prepare
      const seen: ConsumedMessage[] = [];
      const { handler } = consumerOf((message) => {
        seen.push(message);
      });
      const delivery = deliveryOf(7, { deliveryAttempt: 2, body: { total: 70, lines: [{ sku: 'a', qty: 1 }], note: null }, attributes: { region: 'eu', tier: 'gold' } });

      // Act
      const response = await handler(sqsEventOf([delivery], { ordered }), contextOf());

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(seen).toEqual([
        {
          id: 'order-7',
          topic: 'orders',
          subscription,
          partition: 3,
          offset: 107,
          key: 'customer-7',
          attributes: { region: 'eu', tier: 'gold' },
          body: { total: 70, lines: [{ sku: 'a', qty: 1 }], note: null },
          publishedAt: '2025-03-01T12:00:00.123Z',
          deliveryAttempt: 2,
        },
      ]);
    });

    it('hands a keyless message without attributes over with key null and attributes {}', async () => {
      // Prepare
      const seen: ConsumedMessage[] = [];
      const { handler } = consumerOf((message) => {
        seen.push(message);
      });

      // Act
      await handler(sqsEventOf([deliveryOf(1, { key: null, attributes: {} })]), contextOf());

      // Assess
      expect(seen.map(({ key, attributes }) => ({ key, attributes }))).toEqual([{ key: null, attributes: {} }]);
    });

    it('fails a record whose body is not a Conveyor message, and only that one', async () => {
      // Prepare
      const { handler } = consumerOf(() => undefined);
      const event = sqsEventOf([deliveryOf(0), deliveryOf(1)]);
      const [stray] = event.Records;
      if (stray === undefined) throw new Error('no record');
      stray.body = '{"hello":"world"}';

      // Act
      const response = await handler(event, contextOf());

      // Assess
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: stray.messageId }]);
      expect(takeFailure(stray.messageId)).toMatch(/is not a Conveyor message/);
    });
  });

  describe('Partial failures', () => {
    it('reports only the messages whose handler threw', async () => {
      // Prepare
      const { handler } = consumerOf((message) => {
        if (message.id === 'order-1' || message.id === 'order-3') throw new Error(`card declined for ${message.id}`);
      });
      const event = sqsEventOf([0, 1, 2, 3].map((index) => deliveryOf(index)));

      // Act
      const response = await handler(event, contextOf());

      // Assess
      expect(failedIds(response, event)).toEqual(['order-1', 'order-3']);
    });

    it('records the thrown message of each failed message, where a local runner reads it', async () => {
      // Prepare
      const { handler } = consumerOf(async (message) => {
        if (message.id === 'order-1') throw new Error('card declined');
      });
      const event = sqsEventOf([deliveryOf(0), deliveryOf(1)]);
      const [succeeded, failed] = event.Records.map((record) => record.messageId);

      // Act
      await handler(event, contextOf());

      // Assess
      expect(takeFailure(failed ?? '')).toBe('card declined');
      expect(takeFailure(succeeded ?? '')).toBeUndefined();
    });

    it('fails the invocation when every message failed, as Powertools does, after recording every reason', async () => {
      // Prepare
      const { handler } = consumerOf(() => {
        throw new Error('database down');
      });
      const event = sqsEventOf([deliveryOf(0), deliveryOf(1)]);

      // Act
      const invocation = handler(event, contextOf());

      // Assess
      await expect(invocation).rejects.toThrow(/All records failed/);
      expect(event.Records.map((record) => takeFailure(record.messageId))).toEqual(['database down', 'database down']);
    });

    it('does not run the handler for a message past maxDeliveries, and fails it for the redrive to take', async () => {
      // Prepare
      const seen: string[] = [];
      const { handler } = consumerOf((message) => {
        seen.push(message.id);
      });
      const event = sqsEventOf([deliveryOf(0, { deliveryAttempt: 3 }), deliveryOf(1, { deliveryAttempt: 4 })]);

      // Act
      const response = await handler(event, contextOf());

      // Assess
      expect(seen).toEqual(['order-0']);
      expect(failedIds(response, event)).toEqual(['order-1']);
      expect(takeFailure(event.Records[1]?.messageId ?? '')).toMatch(/past maxDeliveries 3/);
    });
  });

  describe('Ordered subscriptions (FIFO)', () => {
    it('fails the later messages of a failed key in the batch, and handles the other keys in order', async () => {
      // Prepare
      const handled: string[] = [];
      const { handler } = consumerOf((message) => {
        if (message.id === 'order-1') throw new Error('out of stock');
        handled.push(message.id);
      });
      const keyOf = (index: number): string => (index % 2 === 0 ? 'customer-a' : 'customer-b');
      const event = sqsEventOf(
        [0, 1, 2, 3, 4, 5].map((index) => deliveryOf(index, { key: keyOf(index) })),
        { ordered: true },
      );

      // Act
      const response = await handler(event, contextOf());

      // Assess
      expect(handled).toEqual(['order-0', 'order-2', 'order-4']);
      expect(failedIds(response, event)).toEqual(['order-1', 'order-3', 'order-5']);
      expect(takeFailure(event.Records[3]?.messageId ?? '')).toMatch(/previous record from this message group failed/);
    });
  });

  describe('Concurrency', () => {
    it.each([
      { case: 'one after the other by default', concurrency: undefined, expected: 1 },
      { case: 'two at once with concurrency 2', concurrency: 2, expected: 2 },
    ])('handles the messages of a standard queue $case', async ({ concurrency, expected }) => {
      // Prepare
      let running = 0;
      let most = 0;
      const gates = [deferred(), deferred(), deferred(), deferred()];
      const { handler } = consumerOf(
        async (message) => {
          running += 1;
          most = Math.max(most, running);
          await gates[Number(message.id.slice('order-'.length))]?.promise;
          running -= 1;
        },
        concurrency === undefined ? {} : { concurrency },
      );

      // Act
      const invocation = handler(sqsEventOf([0, 1, 2, 3].map((index) => deliveryOf(index))), contextOf());
      for (const gate of gates) {
        await new Promise((resolve) => setImmediate(resolve));
        gate.resolve();
      }
      const response = await invocation;

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(most).toBe(expected);
    });

    it.each([
      { case: 'zero', concurrency: 0 },
      { case: 'a fraction', concurrency: 1.5 },
    ])('refuses a concurrency of $case', ({ concurrency }) => {
      // Act
      const make = (): unknown => consume(() => undefined, { concurrency });

      // Assess
      expect(make).toThrow(ConsumerConfigurationError);
      expect(make).toThrow(`concurrency must be an integer between 1 and 10000, but ${concurrency} was provided`);
    });
  });

  describe('Subscription of a record', () => {
    it('throws a configuration error at the first record when no subscription is known for its queue', async () => {
      // Prepare
      delete process.env[SUBSCRIPTION_QUEUES_ENV];
      let calls = 0;
      const { handler } = consumerOf(() => {
        calls += 1;
      });

      // Act
      const invocation = handler(sqsEventOf([deliveryOf(0)]), contextOf());

      // Assess
      await expect(invocation).rejects.toThrow(ConsumerConfigurationError);
      await expect(handler(sqsEventOf([deliveryOf(0)]), contextOf())).rejects.toThrow(`no Conveyor subscription is known for queue ${QUEUE_ARN}`);
      expect(calls).toBe(0);
    });

    it('takes the subscription option for a queue the variable does not name', async () => {
      // Prepare
      delete process.env[SUBSCRIPTION_QUEUES_ENV];
      const seen: string[] = [];
      const { handler } = consumerOf((message) => {
        seen.push(message.subscription);
      }, { subscription: 'orders/audit' });

      // Act
      await handler(sqsEventOf([deliveryOf(0)]), contextOf());

      // Assess
      expect(seen).toEqual(['audit']);
    });

    it('fails a message whose topic is not the one its queue is bound to', async () => {
      // Prepare
      const { handler } = consumerOf(() => undefined);
      const event = sqsEventOf([deliveryOf(0, { topic: 'payments' }), deliveryOf(1)]);

      // Act
      const response = await handler(event, contextOf());

      // Assess
      expect(failedIds(response, event)).toEqual(['order-0']);
      expect(takeFailure(event.Records[0]?.messageId ?? '')).toMatch(/is of topic "payments", but its queue .* is bound to orders\/billing/);
    });
  });

  describe('Logs', () => {
    it('logs each failure with the Lambda request id, the message id and the error', async () => {
      // Prepare
      const { handler, logger } = consumerOf((message) => {
        if (message.id === 'order-1') throw new Error('card declined');
      });
      const context = contextOf();

      // Act
      await handler(sqsEventOf([deliveryOf(0), deliveryOf(1)]), context);

      // Assess
      expect(logger.lines).toEqual([
        expect.objectContaining({
          level: 'ERROR',
          message: 'message failed',
          function_request_id: context.awsRequestId,
          messageId: 'order-1',
          topic: 'orders',
          subscription: 'billing',
          deliveryAttempt: 1,
          error: expect.objectContaining({ message: 'card declined' }),
        }),
      ]);
    });

    it("gives the handler a logger that adds the message's id to its lines", async () => {
      // Prepare
      const { handler, logger } = consumerOf((_message, { logger: messageLogger }) => {
        messageLogger.info('charging');
      });
      const context = contextOf();

      // Act
      await handler(sqsEventOf([deliveryOf(4)]), context);

      // Assess
      expect(logger.lines).toEqual([expect.objectContaining({ message: 'charging', messageId: 'order-4', subscription: 'billing', function_request_id: context.awsRequestId })]);
    });
  });
});
