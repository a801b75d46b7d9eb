import { marshall } from '@aws-sdk/util-dynamodb';
import { Match } from 'aws-cdk-lib/assertions';
import { toBatchItem, toStoredBatch } from '../../src/adapters/aws/logItems.js';
import { passesFilters, streamMappingFilters } from '../../src/emulation/eventFilters.js';
import { subscriptionResourceNames } from '../../src/adapters/aws/names.js';
import { OPTIONAL_RESOURCES, ResourceEnv } from '../../src/adapters/aws/resources.js';
import { DELAY_CONSUMER_MAX_CONCURRENCY } from '../../infra/constructs/Functions.js';
import { RUNTIME_ALARM_ACTIONS, SUBSCRIPTION_QUEUE_ACTIONS, SUBSCRIPTION_RULE_ACTIONS, subscriptionNamePattern } from '../../infra/constructs/RuntimeAccess.js';
import { actionsOf, grantsOf, logicalIdOf, resourcesOf, statementsOf, synthesizeStack } from './fixtures.js';

const synthesized = synthesizeStack();
const { template, stack } = synthesized;
const { api, relay, unpacker, delayConsumer, scheduleTarget } = stack.functions;
const all = { api, relay, unpacker, delayConsumer, scheduleTarget };

const QUEUES = 'arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:conveyor-s-*';
const SCHEDULES = 'arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/conveyor/*';
const ALARMS = 'arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:conveyor-s-*';
const ref = (construct: Parameters<typeof logicalIdOf>[0], attribute = 'Arn'): string => `<${logicalIdOf(construct)}.${attribute}>`;

describe('Construct: Functions', () => {
  it.each([
    { name: 'conveyor-api', memory: 512, timeout: 29 },
    { name: 'conveyor-relay', memory: 512, timeout: 60 },
    { name: 'conveyor-unpacker', memory: 256, timeout: 30 },
    { name: 'conveyor-delay-consumer', memory: 256, timeout: 30 },
    { name: 'conveyor-schedule-target', memory: 256, timeout: 30 },
  ])('runs $name on Node.js 24, arm64, traced, with $memory MB and $timeout s', ({ name, memory, timeout }) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: name,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: memory,
      Timeout: timeout,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
  });

  const environmentsOf = (functions: Record<string, unknown>): Array<Record<string, unknown>> =>
    Object.values(functions).map((fn) => (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables);

  it('gives every function the resources, the aws backend, a log level, the log compression, the fan-out and source maps', () => {
    const environments = environmentsOf(template.findResources('AWS::Lambda::Function'));
    const required = Object.entries(ResourceEnv).filter(([field]) => !OPTIONAL_RESOURCES.has(field as keyof typeof ResourceEnv)).map(([, name]) => name);

    expect(environments).toHaveLength(5);
    for (const variables of environments) {
      expect(Object.keys(variables).sort()).toEqual([...required, 'CONVEYOR_BACKEND', 'CONVEYOR_LOG_COMPRESSION', 'CONVEYOR_FAN_OUT', 'LOG_LEVEL', 'NODE_OPTIONS'].sort());
      expect(variables).toMatchObject({ CONVEYOR_BACKEND: 'aws', CONVEYOR_LOG_COMPRESSION: 'deflate', CONVEYOR_FAN_OUT: 'pack', LOG_LEVEL: 'info', NODE_OPTIONS: '--enable-source-maps', CONVEYOR_RESOURCE_PREFIX: 'conveyor', CONVEYOR_SCHEDULE_GROUP: 'conveyor' });
    }
  });

  it('tells every function to store record batches as lists when logCompression is none', () => {
    const pinned = synthesizeStack({ logCompression: 'none' }).template;

    for (const variables of environmentsOf(pinned.findResources('AWS::Lambda::Function'))) expect(variables).toMatchObject({ CONVEYOR_LOG_COMPRESSION: 'none' });
  });

  it('tells every function that new subscriptions’ rules match one event per message when fanOut is event', () => {
    const pinned = synthesizeStack({ fanOut: 'event' }).template;

    for (const variables of environmentsOf(pinned.findResources('AWS::Lambda::Function'))) expect(variables).toMatchObject({ CONVEYOR_FAN_OUT: 'event' });
  });

  it('gives every function the delivery-failure queue, and the alarm topic when there is one (for the dead-letter alarms)', () => {
    const withEmail = synthesizeStack({ alarmEmail: 'ops@example.com' });
    const topic = withEmail.stack.alerting?.topic;
    if (topic === undefined) throw new Error('expected an alarm topic with alarmEmail set');

    for (const variables of environmentsOf(withEmail.template.findResources('AWS::Lambda::Function'))) {
      expect(variables).toMatchObject({
        CONVEYOR_DELIVERY_FAILURE_QUEUE_ARN: { 'Fn::GetAtt': [logicalIdOf(withEmail.stack.messaging.deliveryFailureQueue), 'Arn'] },
        CONVEYOR_ALARM_TOPIC_ARN: { Ref: logicalIdOf(topic) },
      });
    }
  });

  it('keeps every function log for a month', () => {
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } }))).toHaveLength(6);
  });

  it('relays only inserted messages of the log stream, in order, bisecting failures and sending what fails to the failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(relay.function) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.tables.logTable), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86400,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(stack.messaging.relayFailureQueue), 'Arn'] } } },
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { n: { N: [{ exists: true }] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { id: { S: [{ exists: true }] } } } }) },
        ],
      },
    });
  });

  it('lets the relay’s filters pass the stream records of record batches (compressed or not) and of message items of the layout before them, and nothing else', () => {
    // Prepare: the synthesized patterns, applied as Lambda applies them
    const patterns = streamMappingFilters(template.toJSON() as { Resources?: unknown });
    const relayed = (eventName: string, item: Record<string, unknown>): boolean => passesFilters(patterns, { eventName, dynamodb: { NewImage: marshall(item) } });
    const batch = toBatchItem({ partitionKey: 'orders.x#0', topic: 'orders', topicCreatedAt: 'c', partition: 0, offset: 0, messages: [{ i: 'm', b: '1' }], publishedAt: 1, retentionHours: 1 });
    const compressed = toStoredBatch({ ...batch, n: 20, m: Array.from({ length: 20 }, (_, i) => ({ i: `m${i}`, b: '{"order":"leave it at the door"}' })) });
    const oldLayout = { p: 'orders.x#0', o: 0, tp: 'orders', tc: 'c', part: 0, id: 'm', b: '1', t: 1, ttl: 1 };
    const head = { p: 'orders.x#0', o: -1, next: 1, t: 1 };

    // Assess
    expect(patterns).toHaveLength(2);
    expect(relayed('INSERT', { ...batch })).toBe(true);
    expect(compressed).toHaveProperty('z');
    expect(relayed('INSERT', compressed)).toBe(true);
    expect(relayed('INSERT', oldLayout)).toBe(true);
    expect(relayed('INSERT', head)).toBe(false);
    expect(relayed('MODIFY', { ...batch })).toBe(false);
  });

  it('consumes the delay queue in batches of 10 with at most 10 concurrent invocations, reporting failures item by item', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(delayConsumer.function) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.messaging.delayQueue), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: DELAY_CONSUMER_MAX_CONCURRENCY },
    });
    expect(DELAY_CONSUMER_MAX_CONCURRENCY).toBe(10);
  });

  it('feeds the pack inbox to the unpacker 10 packs at a time, reporting failures item by item, and sets a pack aside after 5 receives', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(unpacker.function) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.messaging.packInbox), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'conveyor-pack-inbox',
      VisibilityTimeout: 180,
      MaximumMessageSize: 1_048_576,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(stack.messaging.packDeadLetterQueue), 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  it('takes packs whole in the queues that may hold one: the inbox, its dead-letter queue and the delivery-failure queue (1 MiB)', () => {
    for (const queue of [stack.messaging.packInbox, stack.messaging.packDeadLetterQueue, stack.messaging.deliveryFailureQueue]) {
      expect(template.toJSON().Resources[logicalIdOf(queue)].Properties.MaximumMessageSize).toBe(1_048_576);
    }
  });

  it('lets only the subscriptions’ rules of this bus and account deliver to the pack inbox', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalIdOf(stack.messaging.packInbox) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'SubscriptionRulesDeliverPacks',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnLike: { 'aws:SourceArn': Match.anyValue() }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
    const inboxPolicy = JSON.stringify(template.findResources('AWS::SQS::QueuePolicy', { Properties: { Queues: [{ Ref: logicalIdOf(stack.messaging.packInbox) }] } }));
    expect(inboxPolicy).toContain(`":rule/",{"Ref":"${logicalIdOf(stack.messaging.bus)}"},"/conveyor-s-*"`);
  });

  it('lets the unpacker consume the pack inbox, send refused messages back to it and send to subscription queues, nothing more', () => {
    expect(grantsOf(synthesized, unpacker.role, 'sqs:ReceiveMessage')).toEqual([ref(stack.messaging.packInbox)]);
    expect(grantsOf(synthesized, unpacker.role, 'sqs:SendMessage').sort()).toEqual([ref(stack.messaging.packInbox), QUEUES].sort());
    expect(grantsOf(synthesized, unpacker.role, 'sqs:GetQueueUrl')).toContain(QUEUES);
    expect(grantsOf(synthesized, unpacker.role, 'dynamodb:GetItem')).toEqual([]);
    expect(grantsOf(synthesized, unpacker.role, 'events:PutEvents')).toEqual([]);
  });

  it('reserves 5 executions for the schedule target and none for the other functions', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'conveyor-schedule-target', ReservedConcurrentExecutions: 5 });
    for (const name of ['conveyor-api', 'conveyor-relay', 'conveyor-unpacker', 'conveyor-delay-consumer']) {
      template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: name, ReservedConcurrentExecutions: Match.absent() });
    }
  });

  it.each([
    { case: 'another number', concurrency: 2 as const, expected: 2 },
    { case: 'false, for accounts whose concurrency quota leaves nothing to reserve', concurrency: false as const, expected: Match.absent() },
  ])('reserves what scheduleTargetConcurrency says: $case', ({ concurrency, expected }) => {
    const other = synthesizeStack({ scheduleTargetConcurrency: concurrency });

    other.template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'conveyor-schedule-target', ReservedConcurrentExecutions: expected });
  });
});

describe('Construct: Functions permissions', () => {
  it('grants no action with a wildcard, to any function', () => {
    const wildcards = Object.values(all).flatMap((fn) => statementsOf(synthesized, fn.role).flatMap(actionsOf)).filter((action) => action.includes('*'));

    expect(wildcards).toEqual([]);
  });

  it('grants "*" resources only to actions that have no resource-level permissions', () => {
    const onAnyResource = Object.values(all)
      .flatMap((fn) => statementsOf(synthesized, fn.role))
      .filter((statement) => resourcesOf(statement).includes('*'))
      .flatMap(actionsOf);

    expect([...new Set(onAnyResource)].sort()).toEqual(['dynamodb:ListStreams', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('lets each function write to its own log group only', () => {
    for (const fn of Object.values(all)) {
      expect(grantsOf(synthesized, fn.role, 'logs:PutLogEvents')).toEqual([ref(fn.logGroup)]);
    }
  });

  it('lets the API manage subscription queues, rules, schedules and alarms, each limited to the prefix', () => {
    expect(statementsOf(synthesized, api.role)).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: [...SUBSCRIPTION_QUEUE_ACTIONS], Resource: expect.anything() },
        { Effect: 'Allow', Action: [...SUBSCRIPTION_RULE_ACTIONS], Resource: expect.anything() },
        { Effect: 'Allow', Action: [...RUNTIME_ALARM_ACTIONS], Resource: expect.anything() },
      ]),
    );
    expect(grantsOf(synthesized, api.role, 'sqs:CreateQueue')).toEqual([QUEUES]);
    expect(grantsOf(synthesized, api.role, 'events:PutRule')).toEqual([`arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/<${logicalIdOf(stack.messaging.bus)}>/conveyor-s-*`]);
    for (const action of ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule']) {
      expect(grantsOf(synthesized, api.role, action)).toEqual([SCHEDULES]);
    }
    expect(grantsOf(synthesized, api.role, 'iam:PassRole')).toEqual([ref(stack.scheduling.schedulerRole)]);
    expect(grantsOf(synthesized, api.role, 'cloudwatch:PutMetricAlarm')).toEqual([ALARMS]);
  });

  it('lets the API read and write both tables and send to the delay queue, but not put events', () => {
    expect(grantsOf(synthesized, api.role, 'dynamodb:PutItem').sort()).toEqual([ref(stack.tables.logTable), ref(stack.tables.metaTable)].sort());
    expect(grantsOf(synthesized, api.role, 'sqs:SendMessage').sort()).toEqual([ref(stack.messaging.delayQueue), QUEUES].sort());
    expect(grantsOf(synthesized, api.role, 'events:PutEvents')).toEqual([]);
  });

  it('lets the relay read the stream and the meta table, move log heads, put events on the bus and send to subscription queues, nothing more', () => {
    expect(grantsOf(synthesized, relay.role, 'dynamodb:GetRecords')).toContain(ref(stack.tables.logTable, 'StreamArn'));
    expect(grantsOf(synthesized, relay.role, 'dynamodb:GetItem')).toEqual([ref(stack.tables.metaTable)]);
    expect(grantsOf(synthesized, relay.role, 'dynamodb:PutItem')).toEqual([]);
    expect(grantsOf(synthesized, relay.role, 'dynamodb:UpdateItem')).toEqual([ref(stack.tables.logTable)]);
    expect(grantsOf(synthesized, relay.role, 'events:PutEvents')).toEqual([ref(stack.messaging.bus)]);
    expect(grantsOf(synthesized, relay.role, 'sqs:SendMessage').sort()).toEqual([ref(stack.messaging.relayFailureQueue), QUEUES].sort());
    expect(grantsOf(synthesized, relay.role, 'sqs:CreateQueue')).toEqual([]);
  });

  it('lets the delay consumer write both tables and consume and re-send the delay queue, without runtime resources', () => {
    expect(grantsOf(synthesized, delayConsumer.role, 'dynamodb:PutItem').sort()).toEqual([ref(stack.tables.logTable), ref(stack.tables.metaTable)].sort());
    expect(grantsOf(synthesized, delayConsumer.role, 'sqs:ReceiveMessage')).toEqual([ref(stack.messaging.delayQueue)]);
    expect(grantsOf(synthesized, delayConsumer.role, 'sqs:SendMessage')).toEqual([ref(stack.messaging.delayQueue)]);
    expect(grantsOf(synthesized, delayConsumer.role, 'scheduler:CreateSchedule')).toEqual([]);
  });

  it('lets the schedule target write both tables, send to the delay queue and create and delete schedules as the scheduler role', () => {
    expect(grantsOf(synthesized, scheduleTarget.role, 'dynamodb:PutItem').sort()).toEqual([ref(stack.tables.logTable), ref(stack.tables.metaTable)].sort());
    expect(grantsOf(synthesized, scheduleTarget.role, 'sqs:SendMessage')).toEqual([ref(stack.messaging.delayQueue)]);
    expect(grantsOf(synthesized, scheduleTarget.role, 'scheduler:CreateSchedule')).toEqual([SCHEDULES]);
    expect(grantsOf(synthesized, scheduleTarget.role, 'scheduler:DeleteSchedule')).toEqual([SCHEDULES]);
    expect(grantsOf(synthesized, scheduleTarget.role, 'iam:PassRole')).toEqual([ref(stack.scheduling.schedulerRole)]);
    expect(grantsOf(synthesized, scheduleTarget.role, 'events:PutRule')).toEqual([]);
  });

  it('limits runtime grants to another prefix when one is given', () => {
    const dev = synthesizeStack({ resourcePrefix: 'dev' });

    expect(grantsOf(dev, dev.stack.functions.api.role, 'sqs:DeleteQueue')).toEqual(['arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:dev-s-*']);
    expect(grantsOf(dev, dev.stack.functions.api.role, 'scheduler:DeleteSchedule')).toEqual(['arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/dev/*']);
  });
});

describe('Function: subscriptionNamePattern', () => {
  const matches = (pattern: string, name: string): boolean => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*')}$`).test(name);

  it.each([{ ordered: false }, { ordered: true }])('covers the queue, dead-letter queue and rule of a subscription (ordered: $ordered)', ({ ordered }) => {
    const names = subscriptionResourceNames('conveyor', { topic: 'orders', name: 'billing', createdAt: '2026-01-01T00:00:00.000Z', ordered });

    expect([names.queue, names.deadLetterQueue, names.rule].filter((name) => !matches(subscriptionNamePattern('conveyor'), name))).toEqual([]);
  });

  it("leaves out the stack's own queues", () => {
    expect(['conveyor-delay', 'conveyor-delay-dlq', 'conveyor-relay-failures'].some((name) => matches(subscriptionNamePattern('conveyor'), name))).toBe(false);
  });
});
