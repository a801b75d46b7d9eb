import { Match } from 'aws-cdk-lib/assertions';
import { OPTIONAL_RESOURCES, ResourceOutput } from '../../src/adapters/aws/resources.js';
import { synthesizeConveyorTemplate, type ConveyorTemplate } from '../../infra/synthesize.js';
import { grantsOf, synthesizeStack, logicalIdOf } from './fixtures.js';

const synthesized = synthesizeStack();
const { template, stack } = synthesized;

describe('Construct: Tables', () => {
  it('keys the log table by partition p (S) and offset o (N), streams new images and expires items by ttl', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'p', KeyType: 'HASH' },
        { AttributeName: 'o', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'p', AttributeType: 'S' },
        { AttributeName: 'o', AttributeType: 'N' },
      ]),
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('keys the meta table by pk (S) and sk (S), without a stream, and expires items by ttl', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: Match.absent(),
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('makes both tables on-demand, with point-in-time recovery and AWS-managed encryption, retained on delete and protected from deletion', () => {
    const tables = template.findResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });

    expect(Object.keys(tables)).toHaveLength(2);
  });

  it('deletes both tables with the stack, without deletion protection, when destroyDataOnDelete is set', () => {
    const dev = synthesizeStack({ destroyDataOnDelete: true });

    expect(Object.keys(dev.template.findResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } }))).toHaveLength(2);
  });
});

describe('Construct: Messaging', () => {
  it('names the bus <prefix>-bus', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'conveyor-bus' });
  });

  it('sends a delayed message to its own dead-letter queue after 5 receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'conveyor-delay',
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(stack.messaging.delayDeadLetterQueue), 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  it.each([
    { case: 'retained by default, like the tables', props: {}, policy: 'Retain' },
    { case: 'deleted with destroyDataOnDelete, like the tables', props: { destroyDataOnDelete: true }, policy: 'Delete' },
  ])('keeps every queue $case', ({ props, policy }) => {
    const queues = synthesizeStack(props).template.findResources('AWS::SQS::Queue');

    expect(Object.values(queues).map((queue) => (queue as { DeletionPolicy?: string }).DeletionPolicy)).toEqual(Object.keys(queues).map(() => policy));
  });

  it('creates the delivery-failure queue that the runtime\'s rule targets and schedules dead-letter to, kept 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'conveyor-delivery-failures', MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true, FifoQueue: Match.absent() });
  });

  it('lets only EventBridge rules of the bus named for subscriptions, in this account, send to the delivery-failure queue', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalIdOf(stack.messaging.deliveryFailureQueue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'SubscriptionRulesDeadLetter',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [logicalIdOf(stack.messaging.deliveryFailureQueue), 'Arn'] },
            Condition: {
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':rule/', { Ref: logicalIdOf(stack.messaging.bus) }, '/conveyor-s-*']],
                },
              },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ]),
      },
    });
  });

  it('encrypts every queue and refuses requests without TLS', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      },
    })) as Array<{ Properties: { Queues: Array<{ Ref: string }> } }>;

    expect(Object.values(queues).every((queue) => (queue as { Properties: Record<string, unknown> }).Properties['SqsManagedSseEnabled'] === true)).toBe(true);
    expect(policies.flatMap((policy) => policy.Properties.Queues.map((queue) => queue.Ref)).sort()).toEqual(Object.keys(queues).sort());
  });
});

describe('Construct: Scheduling', () => {
  it('names the schedule group after the prefix', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'conveyor' });
  });

  it('lets only EventBridge Scheduler of this account and group assume the scheduler role', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnEquals: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':schedule-group/conveyor']] } },
            },
          }),
        ],
      },
    });
  });

  it('lets the scheduler role send to the delay queue and the delivery-failure queue (its schedules\' dead-letter queue) and invoke only the schedule target', () => {
    const role = stack.scheduling.schedulerRole;

    expect(grantsOf(synthesized, role, 'sqs:SendMessage').sort()).toEqual([`<${logicalIdOf(stack.messaging.delayQueue)}.Arn>`, `<${logicalIdOf(stack.messaging.deliveryFailureQueue)}.Arn>`].sort());
    expect(grantsOf(synthesized, role, 'lambda:InvokeFunction')).toEqual([
      'arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:conveyor-schedule-target:$LATEST',
      'arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:conveyor-schedule-target',
    ]);
  });
});

describe('Stack: ConveyorStack outputs', () => {
  it('outputs every resource under its ResourceOutput name, and the API URL; the alarm topic only when there is one', () => {
    const required = Object.entries(ResourceOutput).filter(([field]) => !OPTIONAL_RESOURCES.has(field as keyof typeof ResourceOutput)).map(([, output]) => output);
    expect(Object.keys(template.toJSON()['Outputs'] as object).sort()).toEqual([...required, 'ApiUrl'].sort());
    template.hasOutput('ResourcePrefix', { Value: 'conveyor' });
    template.hasOutput('ScheduleGroupName', { Value: 'conveyor' });
    template.hasOutput('DeliveryFailureQueueArn', { Value: { 'Fn::GetAtt': [logicalIdOf(stack.messaging.deliveryFailureQueue), 'Arn'] } });

    const withEmail = synthesizeStack({ alarmEmail: 'ops@example.com' });
    withEmail.template.hasOutput('AlarmTopicArn', { Value: { Ref: logicalIdOf(withEmail.stack.alerting!.topic) } });
  });
});

describe('Function: synthesizeConveyorTemplate', () => {
  const emulated: ConveyorTemplate = synthesizeConveyorTemplate({ resourcePrefix: 'dev', destroyDataOnDelete: true });
  const resources = emulated.Resources;

  /** Logical ids a value refers to through Ref, Fn::GetAtt or DependsOn (pseudo parameters left out). */
  const referencesOf = (value: unknown): string[] => {
    if (Array.isArray(value)) return value.flatMap(referencesOf);
    if (typeof value !== 'object' || value === null) return [];
    return Object.entries(value).flatMap(([key, inner]) => {
      if (key === 'Ref' && typeof inner === 'string') return inner.startsWith('AWS::') ? [] : [inner];
      if (key === 'Fn::GetAtt' && Array.isArray(inner)) return [String(inner[0])];
      if (key === 'DependsOn') return Array.isArray(inner) ? inner.map(String) : [String(inner)];
      return referencesOf(inner);
    });
  };
  /**
   * What an emulator's CloudFormation must be able to create on its own: the
   * tables, the queues, the bus and the scheduler role. The runner leaves out
   * everything else, schedule group and policies included. The ack-id key is
   * data too, though moto's CloudFormation cannot make it: the runner creates it through the API.
   */
  const DATA_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Events::EventBus', 'AWS::SecretsManager::Secret']);
  const isSchedulerRole = (id: string): boolean => resources[id]?.Type === 'AWS::IAM::Role' && JSON.stringify(resources[id]).includes('scheduler.amazonaws.com');
  const dataIds = new Set(Object.keys(resources).filter((id) => DATA_TYPES.has(resources[id]?.Type ?? '') || isSchedulerRole(id)));

  it('returns the template with the given props', () => {
    expect(Object.values(resources).filter((resource) => resource.Type === 'AWS::DynamoDB::Table')).toHaveLength(2);
    expect(emulated.Outputs['ResourcePrefix']).toEqual({ Value: 'dev' });
  });

  it('builds data resources (tables, queues, bus, scheduler role, ack-id key) that refer to nothing else', () => {
    const foreign = [...dataIds].flatMap((id) => referencesOf(resources[id]).filter((ref) => !dataIds.has(ref)).map((ref) => `${id} → ${ref}`));

    expect(dataIds.size).toBe(2 + 6 + 1 + 1 + 1);
    expect(foreign).toEqual([]);
  });

  it('takes every required ResourceOutput from data resources alone, so the runner can read them without the functions', () => {
    const foreign = Object.entries(ResourceOutput)
      .filter(([field]) => !OPTIONAL_RESOURCES.has(field as keyof typeof ResourceOutput))
      .map(([, name]) => name).flatMap((name) => referencesOf(emulated.Outputs[name]).map((ref) => `${name} → ${ref}`)).filter((edge) => !dataIds.has(edge.split(' → ')[1] ?? ''));

    expect(foreign).toEqual([]);
  });
});
