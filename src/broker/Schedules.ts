import { ScheduleNotFoundError } from '../domain/errors.js';
import type { Schedule, ScheduleSettings } from '../domain/types.js';
import type { Backend } from '../ports/Backend.js';
import type { Clock } from '../ports/Clock.js';
import { CronSchedule } from './CronSchedule.js';
import type { Publisher } from './Publisher.js';
import type { TopicAdmin } from './TopicAdmin.js';
import { toRfc3339 } from './time.js';

/**
 * Cron schedules that publish a fixed message to a topic at every tick
 * (EventBridge Scheduler's recurring schedules). A tick publishes with the id
 * `<name>@<tick time>`, so a tick retried after a crash is deduplicated.
 * After downtime, only the latest missed tick fires (no burst of catch-ups).
 *
 * @example
 * await schedules.put('nightly', { topic: 'reports', cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { run: 'nightly' } } });
 */
export class Schedules {
  public constructor(
    private readonly backend: Backend,
    private readonly topics: TopicAdmin,
    private readonly publisher: Publisher,
    private readonly clock: Clock,
    /** Told when a schedule changed, so the timer can wake for an earlier tick. */
    private readonly onChanged: () => void = () => undefined,
  ) {}

  public async put(name: string, settings: ScheduleSettings): Promise<{ created: boolean; schedule: Schedule }> {
    const cron = CronSchedule.parse(settings.cron, settings.timezone);
    await this.topics.require(settings.topic);
    const now = this.clock.now();
    const existing = await this.backend.metadata.getSchedule(name);
    const next = cron.nextAfter(now);
    const { created, value } = await this.backend.metadata.putSchedule({
      name,
      ...settings,
      createdAt: existing?.createdAt ?? toRfc3339(now),
      nextFireAt: next === null ? null : toRfc3339(next),
      lastFiredAt: existing?.lastFiredAt ?? null,
    });
    this.onChanged();
    return { created, schedule: value };
  }

  public async get(name: string): Promise<Schedule> {
    const schedule = await this.backend.metadata.getSchedule(name);
    if (schedule === null) throw new ScheduleNotFoundError(name);
    return schedule;
  }

  public list(): Promise<Schedule[]> {
    return this.backend.metadata.listSchedules();
  }

  public async delete(name: string): Promise<void> {
    if (!(await this.backend.metadata.deleteSchedule(name))) throw new ScheduleNotFoundError(name);
  }

  /** Publishes every due tick; returns how many schedules fired. */
  public async fireDue(): Promise<number> {
    const now = this.clock.now();
    let fired = 0;
    const failures: unknown[] = [];
    for (const schedule of await this.backend.metadata.dueSchedules(now)) {
      try {
        if (await this.fire(schedule, now)) fired += 1;
      } catch (error) {
        failures.push(error); // the others still fire; this one is retried next pass
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} schedule(s) could not fire`);
    return fired;
  }

  private async fire(schedule: Schedule, now: number): Promise<boolean> {
    const cron = CronSchedule.parse(schedule.cron, schedule.timezone);
    const tick = cron.latestAtOrBefore(now) ?? Date.parse(schedule.nextFireAt ?? toRfc3339(now));
    const next = cron.nextAfter(now);
    const { body, key, attributes } = schedule.message;
    // Publish first, then advance: a crash in between re-fires the same tick id, which dedup absorbs.
    await this.publisher.publish(schedule.topic, [{ id: `${schedule.name}@${toRfc3339(tick)}`, body, key, attributes }]);
    return this.backend.metadata.advanceSchedule(schedule.name, schedule.nextFireAt, toRfc3339(tick), next === null ? null : toRfc3339(next));
  }
}
