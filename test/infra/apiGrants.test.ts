import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Template } from 'aws-cdk-lib/assertions';
import { grantedRoutes } from '../../infra/declared/ApiGrants.js';
import { Action } from '../../src/access/grants.js';
import { shopStack, synthesizeShop } from './declaredFixtures.js';
import { grantsOf, logicalIdOf, resourcesOf, statementsOf } from './fixtures.js';

const JWT = { jwtIssuer: 'https://issuer.example.com', jwtAudience: ['conveyor'] } as const;
const route = (method: string, path: string) => ({ method, path });

describe('Function: grantedRoutes', () => {
  it.each([
    {
      case: 'publish on a topic: publishing, cancelling delayed messages and describing the topic',
      action: Action.Publish,
      scope: { topic: 'orders' },
      routes: [
        route('GET', '/v1/topics/orders'),
        route('POST', '/v1/topics/orders/messages'),
        route('DELETE', '/v1/topics/orders/delayed/*'),
        route('GET', '/v1/topics/orders/subscriptions'),
      ],
    },
    {
      case: "consume on a subscription: its work-queue routes and dead letters, the topic's log, groups and delayed messages",
      action: Action.Consume,
      scope: { topic: 'orders', subscription: 'billing' },
      routes: [
        route('GET', '/v1/topics/orders'),
        route('GET', '/v1/topics/orders/partitions/*/messages'),
        route('PUT', '/v1/topics/orders/groups/*/offsets'),
        route('GET', '/v1/topics/orders/groups/*'),
        route('GET', '/v1/topics/orders/delayed'),
        route('GET', '/v1/topics/orders/subscriptions'),
        route('GET', '/v1/topics/orders/subscriptions/billing'),
        route('POST', '/v1/topics/orders/subscriptions/billing/pull'),
        route('POST', '/v1/topics/orders/subscriptions/billing/ack'),
        route('POST', '/v1/topics/orders/subscriptions/billing/nack'),
        route('POST', '/v1/topics/orders/subscriptions/billing/extend'),
        route('GET', '/v1/topics/orders/subscriptions/billing/dead-letters'),
      ],
    },
    {
      case: 'manage on a topic: the topic and every subscription of it, seek, dead-letter changes and delayed messages',
      action: Action.Manage,
      scope: { topic: 'orders' },
      routes: [
        route('PUT', '/v1/topics/orders'),
        route('GET', '/v1/topics/orders'),
        route('DELETE', '/v1/topics/orders'),
        route('GET', '/v1/topics/orders/delayed'),
        route('DELETE', '/v1/topics/orders/delayed/*'),
        route('GET', '/v1/topics/orders/subscriptions'),
        route('PUT', '/v1/topics/orders/subscriptions/*'),
        route('PATCH', '/v1/topics/orders/subscriptions/*'),
        route('DELETE', '/v1/topics/orders/subscriptions/*'),
        route('POST', '/v1/topics/orders/subscriptions/*/seek'),
        route('POST', '/v1/topics/orders/subscriptions/*/dead-letters/redrive'),
        route('DELETE', '/v1/topics/orders/subscriptions/*/dead-letters'),
      ],
    },
  ])('grants $case', ({ action, scope, routes }) => {
    // Act
    const granted = grantedRoutes(action, scope);

    // Assess
    expect(granted).toEqual(routes);
  });
});

describe('Construct: Conveyor grants', () => {
  const shop = synthesizeShop();
  const template = shop.template();
  const apiArn = (method: string, path: string): string => `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalIdOf(shop.conveyor.httpApi)}>/$default/${method}${path}`;

  describe('Method: grantPublish', () => {
    it('allows execute-api:Invoke on exactly the publish, cancel and describe routes of the topic, on the $default stage', () => {
      // Prepare
      const { stack, conveyor } = shopStack();
      const orders = conveyor.addTopic('orders');
      const role = new Role(stack, 'Checkout', { assumedBy: new AccountRootPrincipal() });

      // Act
      conveyor.grantPublish(role, orders);

      // Assess
      const httpApi = logicalIdOf(conveyor.httpApi);
      expect(statementsOf({ template: Template.fromStack(stack) }, role).flatMap(resourcesOf)).toEqual([
        `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${httpApi}>/$default/GET/v1/topics/orders`,
        `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${httpApi}>/$default/POST/v1/topics/orders/messages`,
        `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${httpApi}>/$default/DELETE/v1/topics/orders/delayed/*`,
        `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${httpApi}>/$default/GET/v1/topics/orders/subscriptions`,
      ]);
    });
  });

  describe('Method: grantConsume', () => {
    it('allows the consume routes of the subscription through the API and the consuming actions on its queue', () => {
      // Act
      const invoke = grantsOf({ template }, shop.someRole, 'execute-api:Invoke');
      const receive = grantsOf({ template }, shop.someRole, 'sqs:ReceiveMessage');

      // Assess
      expect(invoke).toEqual(expect.arrayContaining([apiArn('POST', '/v1/topics/orders/subscriptions/billing/pull'), apiArn('POST', '/v1/topics/orders/subscriptions/billing/ack'), apiArn('GET', '/v1/topics/orders/partitions/*/messages')]));
      expect(invoke.filter((arn) => arn.includes('shipping-eu'))).toEqual([]);
      expect(receive).toEqual([`<${logicalIdOf(shop.billing.resource)}.QueueArn>`]);
    });

    it('grants only the queue with a JWT authorizer, whose tokens carry the API grants', () => {
      // Prepare
      const { stack, conveyor } = shopStack(JWT);
      const billing = conveyor.addTopic('orders').addSubscription('billing');
      const role = new Role(stack, 'Worker', { assumedBy: new AccountRootPrincipal() });

      // Act
      conveyor.grantConsume(role, billing);

      // Assess
      const statements = statementsOf({ template: Template.fromStack(stack) }, role);
      expect(statements.flatMap((statement) => statement.Action)).not.toContain('execute-api:Invoke');
      expect(statements.flatMap((statement) => statement.Action)).toContain('sqs:ReceiveMessage');
    });
  });

  describe('Method: grantManage', () => {
    it('allows the manage routes of the topic and its subscriptions', () => {
      // Prepare
      const { stack, conveyor } = shopStack();
      const role = new Role(stack, 'Ops', { assumedBy: new AccountRootPrincipal() });

      // Act
      conveyor.grantManage(role, 'orders');

      // Assess
      const resources = grantsOf({ template: Template.fromStack(stack) }, role, 'execute-api:Invoke');
      expect(resources.map((arn) => arn.split('/$default/')[1])).toEqual(grantedRoutes(Action.Manage, { topic: 'orders' }).map(({ method, path }) => `${method}${path}`));
    });
  });

  it.each([
    { case: 'grantPublish', grant: (c: ReturnType<typeof shopStack>['conveyor'], role: Role) => c.grantPublish(role, 'orders'), scope: 'publish:orders' },
    { case: 'grantManage', grant: (c: ReturnType<typeof shopStack>['conveyor'], role: Role) => c.grantManage(role, 'orders'), scope: 'manage:orders' },
  ])('throws for $case with a JWT authorizer, naming the scope to give instead', ({ grant, scope }) => {
    // Prepare
    const { stack, conveyor } = shopStack(JWT);
    const role = new Role(stack, 'Caller', { assumedBy: new AccountRootPrincipal() });

    // Act
    const granting = (): unknown => grant(conveyor, role);

    // Assess
    expect(granting).toThrow(`this Conveyor authorizes with JWTs (jwtIssuer): give callers the scope "${scope}" in their tokens instead`);
  });

  it('refuses a topic name the API would refuse', () => {
    // Prepare
    const { stack, conveyor } = shopStack();
    const role = new Role(stack, 'Caller', { assumedBy: new AccountRootPrincipal() });

    // Act
    const granting = (): unknown => conveyor.grantPublish(role, 'orders/*');

    // Assess
    expect(granting).toThrow('grantPublish: topic name must match ^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$, but "orders/*" was provided');
  });
});
