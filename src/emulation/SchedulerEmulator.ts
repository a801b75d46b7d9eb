import { DeleteScheduleCommand, GetScheduleCommand, ListSchedulesCommand, type GetScheduleCommandOutput, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Logger } from 'pino';
import type { Clock } from '../ports/Clock.js';
import { scheduleTicks, type ScheduleTicks } from './scheduleExpressions.js';

/** Delivers a fired schedule's input to its target (an SQS queue, or a function run in this process). */
export type ScheduleTargetInvoker = (targetArn: string, input: string) => Promise<void>;

interface KnownSchedule {
  readonly modifiedAt: string;
  readonly ticks: ScheduleTicks;
  readonly targetArn: string;
  readonly input: string;
  readonly deleteAfterCompletion: boolean;
  /** Ticks up to here have fired (or predate the schedule). */
  checkedUntil: number;
}

/**
 * Fires EventBridge Scheduler schedules, which moto stores but never fires:
 * reads the group's schedules, and for each whose expression has a tick since
 * the last check (the latest one only, as Scheduler does not catch up on missed
 * ticks of a flexible window), hands its input to the target. One-time
 * schedules with ActionAfterCompletion DELETE are deleted once they fired.
 *
 * @example
 * const scheduler = new SchedulerEmulator(client, 'conveyor', clock, invoke, logger);
 * await scheduler.fireDue();
 */
export class SchedulerEmulator {
  private readonly known = new Map<string, KnownSchedule>();

  public constructor(
    private readonly client: SchedulerClient,
    private readonly group: string,
    private readonly clock: Clock,
    private readonly invoke: ScheduleTargetInvoker,
    private readonly logger: Logger,
  ) {}

  /** Fires every schedule with a tick due now; returns how many fired. */
  public async fireDue(): Promise<number> {
    const now = this.clock.now();
    let fired = 0;
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListSchedulesCommand({ GroupName: this.group, NextToken: nextToken }));
      nextToken = page.NextToken;
      for (const summary of page.Schedules ?? []) {
        if (summary.Name === undefined || summary.State === 'DISABLED') continue;
        seen.add(summary.Name);
        const schedule = await this.schedule(summary.Name, String(summary.LastModificationDate ?? ''), now);
        if (schedule !== undefined && (await this.fire(summary.Name, schedule, now))) fired += 1;
      }
    } while (nextToken !== undefined);
    for (const name of this.known.keys()) if (!seen.has(name)) this.known.delete(name);
    return fired;
  }

  private async schedule(name: string, modifiedAt: string, now: number): Promise<KnownSchedule | undefined> {
    const known = this.known.get(name);
    if (known !== undefined && known.modifiedAt === modifiedAt) return known;
    const details: GetScheduleCommandOutput = await this.client.send(new GetScheduleCommand({ GroupName: this.group, Name: name }));
    if (details.ScheduleExpression === undefined || details.Target?.Arn === undefined) return undefined;
    const created = details.CreationDate?.getTime() ?? now;
    try {
      const schedule: KnownSchedule = {
        modifiedAt,
        ticks: scheduleTicks(details.ScheduleExpression, details.ScheduleExpressionTimezone ?? 'UTC', details.StartDate?.getTime() ?? created),
        targetArn: details.Target.Arn,
        input: details.Target.Input ?? '{}',
        deleteAfterCompletion: details.ActionAfterCompletion === 'DELETE',
        // A one-time schedule may already be due when created; a recurring one starts from now.
        checkedUntil: known?.checkedUntil ?? (details.ScheduleExpression.startsWith('at(') ? Number.NEGATIVE_INFINITY : now),
      };
      this.known.set(name, schedule);
      return schedule;
    } catch (error) {
      this.logger.error({ err: error, schedule: name }, 'schedule expression not understood; it will not fire here');
      return undefined;
    }
  }

  private async fire(name: string, schedule: KnownSchedule, now: number): Promise<boolean> {
    const tick = schedule.ticks.latestTick(schedule.checkedUntil, now);
    if (tick === null) return false;
    await this.invoke(schedule.targetArn, schedule.input);
    schedule.checkedUntil = now;
    if (schedule.ticks.oneTime && schedule.deleteAfterCompletion) {
      await this.client.send(new DeleteScheduleCommand({ GroupName: this.group, Name: name }));
      this.known.delete(name);
    }
    return true;
  }
}
