import { ConsumerConfigurationError } from '../../../src/lambda/errors.js';
import { SubscriptionResolver, subscriptionQueueEntries, subscriptionQueuesVariable } from '../../../src/lambda/subscriptionQueues.js';

const ARN = 'arn:aws:sqs:us-east-1:123456789012:conveyor-s-0123';

describe('Function: subscriptionQueuesVariable', () => {
  it('maps each queue ARN to "<topic>/<subscription>", with maxDeliveries when given', () => {
    // Act
    const value = subscriptionQueuesVariable([
      { queueArn: ARN, topic: 'orders', subscription: 'billing' },
      { queueArn: `${ARN}.fifo`, topic: 'orders', subscription: 'shipping-eu', maxDeliveries: 5 },
    ]);

    // Assess
    expect(JSON.parse(value)).toEqual({ [ARN]: 'orders/billing', [`${ARN}.fifo`]: { subscription: 'orders/shipping-eu', maxDeliveries: 5 } });
  });

  it.each([
    { case: 'a subscription name with a slash', binding: { queueArn: ARN, topic: 'orders', subscription: 'a/b' }, message: /must be "<topic>\/<subscription>"/ },
    { case: 'an empty topic', binding: { queueArn: ARN, topic: '', subscription: 'billing' }, message: /but "\/billing" was provided/ },
    { case: 'maxDeliveries 0', binding: { queueArn: ARN, topic: 'orders', subscription: 'billing', maxDeliveries: 0 }, message: /maxDeliveries of orders\/billing must be a positive integer, but 0 was provided/ },
  ])('refuses $case', ({ binding, message }) => {
    // Act
    const build = (): unknown => subscriptionQueueEntries([binding]);

    // Assess
    expect(build).toThrow(ConsumerConfigurationError);
    expect(build).toThrow(message);
  });
});

describe('Class: SubscriptionResolver', () => {
  describe('Method: resolve', () => {
    it.each([
      { case: 'a plain entry', variable: JSON.stringify({ [ARN]: 'orders/billing' }), expected: { topic: 'orders', subscription: 'billing' } },
      { case: 'an entry with maxDeliveries', variable: JSON.stringify({ [ARN]: { subscription: 'orders/billing', maxDeliveries: 3 } }), expected: { topic: 'orders', subscription: 'billing', maxDeliveries: 3 } },
      { case: 'the fallback option for a queue the variable does not name', variable: JSON.stringify({ other: 'orders/billing' }), expected: { topic: 'orders', subscription: 'audit' } },
      { case: 'the fallback option without a variable', variable: undefined, expected: { topic: 'orders', subscription: 'audit' } },
    ])('resolves $case', ({ variable, expected }) => {
      // Prepare
      const resolver = new SubscriptionResolver(() => variable, 'orders/audit');

      // Act
      const bound = resolver.resolve(ARN);

      // Assess
      expect(bound).toEqual(expected);
    });

    it('reads the variable again when it changes', () => {
      // Prepare
      let variable = JSON.stringify({ [ARN]: 'orders/billing' });
      const resolver = new SubscriptionResolver(() => variable, undefined);
      resolver.resolve(ARN);
      variable = JSON.stringify({ [ARN]: 'orders/audit' });

      // Act
      const bound = resolver.resolve(ARN);

      // Assess
      expect(bound.subscription).toBe('audit');
    });

    it.each([
      { case: 'a variable that is not JSON', variable: 'orders/billing', message: /CONVEYOR_SUBSCRIPTION_QUEUES must be a JSON object, but "orders\/billing" was provided/ },
      { case: 'a variable that is a JSON array', variable: '["orders/billing"]', message: /must be a JSON object from queue ARN/ },
      { case: 'an entry without a subscription', variable: JSON.stringify({ [ARN]: 'billing' }), message: /must be "<topic>\/<subscription>".*but "billing" was provided/ },
      { case: 'no entry and no fallback', variable: JSON.stringify({ other: 'orders/billing' }), message: `no Conveyor subscription is known for queue ${ARN}` },
    ])('throws a configuration error for $case', ({ variable, message }) => {
      // Prepare
      const resolver = new SubscriptionResolver(() => variable, undefined);

      // Act
      const resolve = (): unknown => resolver.resolve(ARN);

      // Assess
      expect(resolve).toThrow(ConsumerConfigurationError);
      expect(resolve).toThrow(message);
    });
  });
});
