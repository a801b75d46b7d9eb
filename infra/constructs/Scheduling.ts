import { ArnFormat, Aws, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SchedulingProps {
  readonly resourcePrefix: string;
  /** Where a one-time schedule delivers a long delay's message for its last (≤ 15 min) hop. */
  readonly delayQueue: IQueue;
  /** Dead-letter queue of every schedule: Scheduler sends to it as the scheduler role. */
  readonly deliveryFailureQueue: IQueue;
  /**
   * The function a cron schedule invokes. An ARN built from its name, not a
   * reference, so that the group and the role do not depend on Lambda resources.
   */
  readonly scheduleTargetFunctionArn: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * EventBridge Scheduler: the group that holds every schedule Conveyor creates at
 * runtime (cron schedules and long delays), and the role the schedules run as.
 */
export class Scheduling extends Construct {
  /** Named `<prefix>`; the runtime's scheduler grants are limited to schedules in it. */
  public readonly scheduleGroup: ScheduleGroup;
  /** Assumed by EventBridge Scheduler for schedules of this group only; the runtime passes it to CreateSchedule. */
  public readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props: SchedulingProps) {
    super(scope, id);
    this.scheduleGroup = new ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: props.resourcePrefix,
      removalPolicy: props.removalPolicy,
    });
    // Built from the name, not referenced: the role is a data resource and must not depend on the group,
    // which an emulator's CloudFormation may not be able to create.
    const groupArn = Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: props.resourcePrefix, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: `Assumed by EventBridge Scheduler for the schedules of group ${props.resourcePrefix}`,
      // Confused-deputy guard: only schedules of this account's group may assume it.
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnEquals: { 'aws:SourceArn': groupArn },
        },
      }),
    });
    props.delayQueue.grantSendMessages(this.schedulerRole);
    props.deliveryFailureQueue.grantSendMessages(this.schedulerRole);
    // Scheduler invokes the unqualified ARN, so no version or alias needs the grant.
    LambdaFunction.fromFunctionArn(this, 'ScheduleTarget', props.scheduleTargetFunctionArn).grantInvokeLatestVersion(this.schedulerRole);
  }
}
