import { CreateScheduleGroupCommand, GetScheduleCommand, ListSchedulesCommand, type GetScheduleCommandOutput } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../src/adapters/aws/clients.js';
import type { AwsResources } from '../../src/adapters/aws/resources.js';
import type { Clock } from '../../src/ports/Clock.js';
import type { Emulator } from '../helpers/emulator.js';

/** The resources of a deployment, as the stack would create them; queue and group exist after `createDelayResources`. */
export type DelayResources = Pick<
  AwsResources,
  'delayQueueUrl' | 'delayQueueArn' | 'scheduleGroup' | 'schedulerRoleArn' | 'scheduleTargetArn' | 'resourcePrefix' | 'deliveryFailureQueueArn'
>;

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/conveyor-scheduler';
export const TARGET_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:conveyor-schedule-target';
/** Where Scheduler would put what it cannot deliver (the stack's `<prefix>-delivery-failures`). */
export const DELIVERY_FAILURE_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:cvtest-delivery-failures';

/** The delay queue and the schedule group, in an emulator that was just reset. */
export async function createDelayResources(clients: AwsClients): Promise<DelayResources> {
  const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'cvtest-delay' }));
  const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  // moto answers CreateSchedule in a missing group with a 500 (KeyError) instead of ResourceNotFoundException, so the group must exist.
  await clients.scheduler.send(new CreateScheduleGroupCommand({ Name: 'cvtest' }));
  return {
    delayQueueUrl: QueueUrl ?? '',
    delayQueueArn: Attributes?.['QueueArn'] ?? '',
    scheduleGroup: 'cvtest',
    schedulerRoleArn: ROLE_ARN,
    scheduleTargetArn: TARGET_ARN,
    resourcePrefix: 'cvtest',
    deliveryFailureQueueArn: DELIVERY_FAILURE_QUEUE_ARN,
  };
}

/**
 * One frozen clock for the code under test and the emulator, so that SQS
 * delays can be checked to the second: only `advance` moves either.
 */
export class SharedClock implements Clock {
  private readonly frozenAt = Date.now();
  private offsetMs = 0;

  public constructor(private readonly emulator: Emulator) {}

  public now(): number {
    return this.frozenAt + this.offsetMs;
  }

  public async start(): Promise<void> {
    await this.emulator.setClock({ offsetMs: 0, frozenAtMs: this.frozenAt });
  }

  public async advance(ms: number): Promise<void> {
    this.offsetMs += ms;
    await this.emulator.setClock({ offsetMs: this.offsetMs, frozenAtMs: this.frozenAt });
  }
}

/** Every message visible in the queue now, parsed; each stays leased for a minute. */
export async function receiveAll(clients: AwsClients, queueUrl: string): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const { Messages } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    if (Messages === undefined || Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => JSON.parse(message.Body ?? 'null') as unknown));
  }
}

/** Every schedule of the group, in full. */
export async function schedulesOf(clients: AwsClients, group: string): Promise<GetScheduleCommandOutput[]> {
  const { Schedules } = await clients.scheduler.send(new ListSchedulesCommand({ GroupName: group }));
  return Promise.all((Schedules ?? []).map((schedule) => clients.scheduler.send(new GetScheduleCommand({ GroupName: group, Name: schedule.Name }))));
}

