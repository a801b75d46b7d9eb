import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { Schedule } from '../../domain/types.js';
import { toAwsCron } from './awsCron.js';
import { awsErrorName, callAws, translateAwsError } from './awsErrors.js';
import type { AwsClients } from './clients.js';
import type { ScheduleTimers } from './collaborators.js';
import { cronScheduleName } from './names.js';
import type { AwsResources } from './resources.js';
import { targetDelivery } from './targetDelivery.js';

export type SchedulerTimersResources = Pick<AwsResources, 'scheduleGroup' | 'schedulerRoleArn' | 'scheduleTargetArn' | 'resourcePrefix' | 'deliveryFailureQueueArn'>;

/** What a full schedule table runs into. */
export const SCHEDULES_QUOTA = 'EventBridge Scheduler schedules per account and Region';

/**
 * One recurring EventBridge Scheduler schedule per Conveyor cron schedule, in
 * the schedule's time zone. It is only the alarm clock: it invokes the
 * schedule-target function with `{"schedule": "<name>"}`, which runs
 * `schedules.fireDue()`; that publishes every due tick, deduplicated by tick
 * id, so an extra or repeated invocation publishes nothing twice. A cron that
 * EventBridge cannot express exactly is polled every minute (see toAwsCron);
 * the schedule's description says so. An invocation that fails is retried by
 * Scheduler for a day, then put in the delivery-failure queue (targetDelivery).
 *
 * @example
 * const timers = new SchedulerTimers(clients, resources);
 * await timers.put(schedule); // creates or updates `<prefix>-cron-<name>`
 * await timers.delete('nightly');
 */
export class SchedulerTimers implements ScheduleTimers {
  private readonly scheduler: SchedulerClient;

  public constructor(
    clients: Pick<AwsClients, 'scheduler'>,
    private readonly resources: SchedulerTimersResources,
  ) {
    this.scheduler = clients.scheduler;
  }

  /**
   * Creates the schedule, or replaces the one that exists. A schedule whose
   * cron never fires again (`nextFireAt` null) needs no alarm: its timer is deleted.
   */
  public async put(schedule: Schedule): Promise<void> {
    if (schedule.nextFireAt === null) return this.delete(schedule.name);
    const definition = this.definition(schedule);
    try {
      await this.scheduler.send(new CreateScheduleCommand(definition));
      return;
    } catch (error) {
      if (awsErrorName(error) !== 'ConflictException') throw translateAwsError(error, `create the timer of schedule ${JSON.stringify(schedule.name)}`, { quota: SCHEDULES_QUOTA });
    }
    // UpdateSchedule replaces the whole definition, so every field is sent again.
    await callAws(`update the timer of schedule ${JSON.stringify(schedule.name)}`, () => this.scheduler.send(new UpdateScheduleCommand(definition)), { quota: SCHEDULES_QUOTA });
  }

  /** Deletes the schedule's timer; one already gone is fine. */
  public async delete(name: string): Promise<void> {
    try {
      await this.scheduler.send(new DeleteScheduleCommand({ Name: cronScheduleName(this.resources.resourcePrefix, name), GroupName: this.resources.scheduleGroup }));
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return;
      throw translateAwsError(error, `delete the timer of schedule ${JSON.stringify(name)}`);
    }
  }

  private definition(schedule: Schedule): CreateScheduleCommandInput {
    const { expression, reason } = toAwsCron(schedule.cron);
    const described = `Conveyor schedule ${schedule.name}: ${schedule.cron} (${schedule.timezone})${reason === null ? '' : `; polled every minute because ${reason}`}`;
    return {
      Name: cronScheduleName(this.resources.resourcePrefix, schedule.name),
      GroupName: this.resources.scheduleGroup,
      Description: described.slice(0, 512),
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: schedule.timezone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: this.resources.scheduleTargetArn,
        RoleArn: this.resources.schedulerRoleArn,
        Input: JSON.stringify({ schedule: schedule.name }),
        ...targetDelivery(this.resources),
      },
    };
  }
}
