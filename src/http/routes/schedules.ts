import { Action } from '../../access/grants.js';
import type { Principal } from '../../access/Principal.js';
import type { Broker } from '../../broker/Broker.js';
import { ScheduleNotFoundError } from '../../domain/errors.js';
import { checkMessageSize, type SizedMessage } from '../../domain/messageSize.js';
import type { Schedule, ScheduleSettings } from '../../domain/types.js';
import { callerAccess } from '../access.js';
import { putScheduleBody } from '../schemas/schedules.js';
import { createdOrOk, noContent, ok, type ApiRoute } from '../types.js';
import { name, parseBody } from '../validate.js';

/** The schedule, or null when there is none of that name. */
async function existing(broker: Broker, schedule: string): Promise<Schedule | null> {
  try {
    return await broker.schedules.get(schedule);
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

/** A schedule belongs to the topic it publishes to: managing it takes `manage` on that topic. */
async function requireManaged(broker: Broker, principal: Principal, schedule: string): Promise<void> {
  const found = await existing(broker, schedule);
  if (found === null) throw new ScheduleNotFoundError(schedule);
  principal.require(Action.Manage, found.topic);
}

/** Cron schedules that publish to a topic. Schedules have names of their own, so grants are checked against the topic each one targets. */
export const scheduleRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/v1/schedules',
    access: callerAccess,
    operation: async ({ principal }, { broker }) => ok({ schedules: (await broker.schedules.list()).filter((schedule) => principal.canSee(schedule.topic)) }),
  },
  {
    method: 'PUT',
    path: '/v1/schedules/{schedule}',
    access: callerAccess,
    operation: async ({ params, body, principal }, { broker }) => {
      const schedule = name('schedule', params['schedule']);
      const settings = parseBody(putScheduleBody, body);
      checkMessageSize(settings.message as SizedMessage, 'body.message');
      principal.require(Action.Manage, settings.topic);
      // Replacing a schedule moves it away from its current topic: that takes manage there too.
      const current = principal.isAdmin ? null : await existing(broker, schedule);
      if (current !== null) principal.require(Action.Manage, current.topic);
      const result = await broker.schedules.put(schedule, settings as ScheduleSettings);
      return createdOrOk(result.created, result.schedule);
    },
  },
  {
    method: 'GET',
    path: '/v1/schedules/{schedule}',
    access: callerAccess,
    operation: async ({ params, principal }, { broker }) => {
      const schedule = await broker.schedules.get(name('schedule', params['schedule']));
      principal.requireSight(schedule.topic);
      return ok(schedule);
    },
  },
  {
    method: 'DELETE',
    path: '/v1/schedules/{schedule}',
    access: callerAccess,
    operation: async ({ params, principal }, { broker }) => {
      const schedule = name('schedule', params['schedule']);
      if (!principal.isAdmin) await requireManaged(broker, principal, schedule);
      await broker.schedules.delete(schedule);
      return noContent;
    },
  },
];
