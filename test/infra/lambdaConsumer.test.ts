import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { ConveyorSubscription } from '../../infra/declared/ConveyorSubscription.js';
import { IDEMPOTENCY_TABLE_ENV, type LambdaConsumerOptions } from '../../infra/declared/lambdaConsumer.js';
import { SUBSCRIPTION_QUEUES_ENV } from '../../src/lambda/subscriptionQueues.js';
import { shopStack, synthesizeShop, userFunction } from './declaredFixtures.js';
import { actionsOf, logicalIdOf, statementsOf } from './fixtures.js';

const CONSUME_ACTIONS = ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

/** The environment variables of a function, as the template has them. */
function environmentOf(template: Template, fn: LambdaFunction): Record<string, unknown> {
  const resources = template.toJSON()['Resources'] as Record<string, { Properties: { Environment?: { Variables: Record<string, unknown> } } }>;
  return resources[logicalIdOf(fn)]?.Properties.Environment?.Variables ?? {};
}

/** A fresh shop with `orders/billing` (unordered, ack deadline 60 s) and `orders/shipping-eu` (ordered), and a function of 20 s. */
function freshShop(): { stack: Stack; billing: ConveyorSubscription; eu: ConveyorSubscription; fn: LambdaFunction } {
  const { stack, conveyor } = shopStack();
  const orders = conveyor.addTopic('orders');
  return {
    stack,
    billing: orders.addSubscription('billing', { ackDeadlineSeconds: 60 }),
    eu: orders.addSubscription('shipping-eu', { ordered: true, ackDeadlineSeconds: 60 }),
    fn: userFunction(stack, 'Consumer'),
  };
}

describe('Method: ConveyorSubscription.addLambdaConsumer', () => {
  const shop = synthesizeShop();
  const template = shop.template();

  it('maps the subscription queue to the function with ReportBatchItemFailures, batch size, window and maximum concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(shop.billing.resource), 'QueueArn'] },
      FunctionName: { Ref: logicalIdOf(shop.billingFn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('grants the function the consuming actions on that queue and nothing else', () => {
    // Act
    const statements = statementsOf({ template }, shop.billingFn.role!);

    // Assess
    expect(statements).toEqual([{ Effect: 'Allow', Action: CONSUME_ACTIONS, Resource: { 'Fn::GetAtt': [logicalIdOf(shop.billing.resource), 'QueueArn'] } }]);
  });

  it('tells consume() which subscription the queue belongs to, with its maxDeliveries', () => {
    // Act
    const variable = environmentOf(template, shop.billingFn)[SUBSCRIPTION_QUEUES_ENV];

    // Assess
    expect(variable).toEqual({ 'Fn::Join': ['', ['{"', { 'Fn::GetAtt': [logicalIdOf(shop.billing.resource), 'QueueArn'] }, '":{"subscription":"orders/billing","maxDeliveries":5}}']] });
  });

  it('names every subscription a function consumes in one variable, each queue with its own mapping', () => {
    // Prepare
    const { stack, billing, eu, fn } = freshShop();

    // Act
    billing.addLambdaConsumer(fn);
    eu.addLambdaConsumer(fn, { batchSize: 1 });
    const shopTemplate = Template.fromStack(stack);

    // Assess
    const joined = JSON.stringify(environmentOf(shopTemplate, fn)[SUBSCRIPTION_QUEUES_ENV]);
    expect(joined).toContain('orders/billing');
    expect(joined).toContain('orders/shipping-eu');
    expect(Object.keys(shopTemplate.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: logicalIdOf(fn) } } }))).toHaveLength(2);
    shopTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(eu.resource), 'QueueArn'] }, BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('creates an idempotency table as Powertools expects, grants it to the function and names it in IDEMPOTENCY_TABLE', () => {
    // Prepare
    const { stack, billing, eu, fn } = freshShop();

    // Act
    billing.addLambdaConsumer(fn, { idempotency: true });
    eu.addLambdaConsumer(fn, { idempotency: true });
    const shopTemplate = Template.fromStack(stack);

    // Assess
    const tables = shopTemplate.findResources('AWS::DynamoDB::Table', { Properties: { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] } });
    expect(Object.keys(tables)).toHaveLength(1);
    const [tableId] = Object.keys(tables);
    shopTemplate.hasResourceProperties('AWS::DynamoDB::Table', { BillingMode: 'PAY_PER_REQUEST', TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true }, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] });
    shopTemplate.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ [IDEMPOTENCY_TABLE_ENV]: { Ref: tableId } }) } });
    const actions = statementsOf({ template: shopTemplate }, fn.role!)
      .filter((statement) => JSON.stringify(statement.Resource).includes(tableId!))
      .flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
  });

  it.each<{ case: string; ordered: boolean; options: LambdaConsumerOptions; timeout?: number; message: string }>([
    { case: 'a batching window on an ordered subscription', ordered: true, options: { maxBatchingWindow: Duration.seconds(1) }, message: 'maxBatchingWindow is not allowed on an ordered subscription (FIFO queue): Lambda does not batch FIFO queues by time, but 1 s was provided' },
    { case: 'a batch of 11 from a FIFO queue', ordered: true, options: { batchSize: 11 }, message: 'batchSize must be between 1 and 10 for an ordered subscription (FIFO queue), but 11 was provided' },
    { case: 'a batch of 100 without a window', ordered: false, options: { batchSize: 100 }, message: 'batchSize above 10 needs a maxBatchingWindow (Lambda waits for a batch that large only within one), but 100 was provided without one' },
    { case: 'a batch of 0', ordered: false, options: { batchSize: 0 }, message: 'batchSize must be between 1 and 10000 for an unordered subscription, but 0 was provided' },
    { case: 'a window of 6 minutes', ordered: false, options: { maxBatchingWindow: Duration.minutes(6) }, message: 'maxBatchingWindow must be at most 300 seconds, but 360 was provided' },
    { case: 'a maximum concurrency of 1', ordered: false, options: { maxConcurrency: 1 }, message: 'maxConcurrency must be between 2 and 1000, but 1 was provided' },
    { case: 'a function timeout above the ack deadline', ordered: false, options: {}, timeout: 90, message: "the function's timeout (90 s) must not exceed the subscription's ackDeadlineSeconds (60)" },
  ])('fails the synthesis for $case', ({ ordered, options, timeout, message }) => {
    // Prepare
    const { stack, billing, eu } = freshShop();
    const fn = userFunction(stack, 'Slow', Duration.seconds(timeout ?? 20));

    // Act
    const attach = (): unknown => (ordered ? eu : billing).addLambdaConsumer(fn, options);

    // Assess
    expect(attach).toThrow(message);
  });

  it('fails the synthesis when a function consumes the same subscription twice', () => {
    // Prepare
    const { billing, fn } = freshShop();
    billing.addLambdaConsumer(fn);

    // Act
    const again = (): unknown => billing.addLambdaConsumer(fn);

    // Assess
    expect(again).toThrow('the function consumes this subscription already: Lambda allows one event source mapping per queue and function');
  });
});
