import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.js';

/**
 * Queue, dead-letter queue, rule and dead-letter alarm of every subscription are
 * named `<prefix>-s-<digest>…` (`subscriptionResourceNames` in src/adapters/aws/names.ts).
 * The grants stop at `-s-`, so the runtime cannot touch the stack's own queues or alarms.
 */
export const subscriptionNamePattern = (prefix: string): string => `${prefix}-s-*`;
/** Alarms the runtime puts on subscription dead-letter queues: named like the subscription's other resources. */
export const runtimeAlarmNamePattern = subscriptionNamePattern;

/** Everything the API does to subscription queues: create and delete them, receive, ack, nack, purge. */
export const SUBSCRIPTION_QUEUE_ACTIONS = [
  'sqs:CreateQueue',
  'sqs:DeleteQueue',
  'sqs:GetQueueUrl',
  'sqs:GetQueueAttributes',
  'sqs:SetQueueAttributes',
  'sqs:TagQueue',
  'sqs:SendMessage',
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:PurgeQueue',
] as const;

export const SUBSCRIPTION_RULE_ACTIONS = [
  'events:PutRule',
  'events:DeleteRule',
  'events:DescribeRule',
  'events:PutTargets',
  'events:RemoveTargets',
  'events:ListTargetsByRule',
  // PutRule with Tags needs it too.
  'events:TagResource',
] as const;

/** PutMetricAlarm with Tags needs cloudwatch:TagResource too. */
export const RUNTIME_ALARM_ACTIONS = ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource'] as const;

export interface RuntimeAccessProps {
  readonly resourcePrefix: string;
  readonly bus: IEventBus;
  readonly scheduleGroup: IScheduleGroup;
  readonly schedulerRole: IRole;
}

/**
 * Grants on what Conveyor creates at runtime, each limited to the resource
 * prefix. Every grant acknowledges its one cdk-nag wildcard finding on the
 * grantee, with the reason.
 */
export class RuntimeAccess extends Construct {
  private readonly prefix: string;
  private readonly queueArnPattern: string;
  private readonly ruleArnPattern: string;
  private readonly alarmArnPattern: string;

  constructor(scope: Construct, id: string, private readonly props: RuntimeAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.prefix = props.resourcePrefix;
    this.queueArnPattern = stack.formatArn({ service: 'sqs', resource: subscriptionNamePattern(this.prefix) });
    this.ruleArnPattern = stack.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: `${props.bus.eventBusName}/${subscriptionNamePattern(this.prefix)}`,
    });
    this.alarmArnPattern = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: runtimeAlarmNamePattern(this.prefix),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** Every queue action on subscription queues and their dead-letter queues. */
  public grantSubscriptionQueues(grantee: IGrantable & IConstruct): Grant {
    acknowledgeWildcardResource(grantee, this.queueArnPattern, `Subscription queues and their dead-letter queues are created at runtime, named ${subscriptionNamePattern(this.prefix)}.`);
    return Grant.addToPrincipal({ grantee, actions: [...SUBSCRIPTION_QUEUE_ACTIONS], resourceArns: [this.queueArnPattern] });
  }

  /** Sending to subscription queues: the relay (ordered subscriptions' FIFO queues, and messages that do not go through the bus) and the unpacker (the packs' messages). */
  public grantSendToSubscriptionQueues(grantee: IGrantable & IConstruct): Grant {
    acknowledgeWildcardResource(grantee, this.queueArnPattern, `The relay (ordered subscriptions, and messages too large for a pack) and the unpacker send to subscription queues, created at runtime and named ${subscriptionNamePattern(this.prefix)}.`);
    return Grant.addToPrincipal({ grantee, actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'], resourceArns: [this.queueArnPattern] });
  }

  /** Creating and deleting the rules on the bus that route messages to subscription queues. */
  public grantSubscriptionRules(grantee: IGrantable & IConstruct): Grant {
    acknowledgeWildcardResource(grantee, this.ruleArnPattern, `Each subscription's rule on the bus is created at runtime, named ${subscriptionNamePattern(this.prefix)}.`);
    return Grant.addToPrincipal({ grantee, actions: [...SUBSCRIPTION_RULE_ACTIONS], resourceArns: [this.ruleArnPattern] });
  }

  /** Creating, changing, reading and deleting schedules in the group, running as the scheduler role. */
  public grantSchedules(grantee: IGrantable & IConstruct, options: { readonly read: boolean }): void {
    const group = this.props.scheduleGroup;
    if (options.read) group.grantReadSchedules(grantee);
    group.grantWriteSchedules(grantee);
    group.grantDeleteSchedules(grantee);
    this.props.schedulerRole.grantPassRole(grantee.grantPrincipal);
    acknowledgeWildcardResource(
      grantee,
      Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${group.scheduleGroupName}/*` }),
      `Cron schedules and long delays are schedules created at runtime, limited to the group ${group.scheduleGroupName}.`,
    );
  }

  /** The dead-letter depth alarm each subscription gets at runtime. */
  public grantRuntimeAlarms(grantee: IGrantable & IConstruct): Grant {
    acknowledgeWildcardResource(grantee, this.alarmArnPattern, `Each subscription's dead-letter alarm is created at runtime, named ${runtimeAlarmNamePattern(this.prefix)}.`);
    return Grant.addToPrincipal({ grantee, actions: [...RUNTIME_ALARM_ACTIONS], resourceArns: [this.alarmArnPattern] });
  }
}
