import type { ScheduleSettings } from '../../domain/types.js';
import { putScheduleBody } from '../schemas/schedules.js';
import { createdOrOk, noContent, ok, type ApiRoute } from '../types.js';
import { name, parse } from '../validate.js';

/** Cron schedules that publish to a topic. */
export const scheduleRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/v1/schedules',
    operation: async (_request, { broker }) => ok({ schedules: await broker.schedules.list() }),
  },
  {
    method: 'PUT',
    path: '/v1/schedules/{schedule}',
    operation: async ({ params, body }, { broker }) => {
      const schedule = name('schedule', params['schedule']);
      const settings = parse(putScheduleBody, body, 'body');
      const result = await broker.schedules.put(schedule, settings as ScheduleSettings);
      return createdOrOk(result.created, result.schedule);
    },
  },
  {
    method: 'GET',
    path: '/v1/schedules/{schedule}',
    operation: async ({ params }, { broker }) => ok(await broker.schedules.get(name('schedule', params['schedule']))),
  },
  {
    method: 'DELETE',
    path: '/v1/schedules/{schedule}',
    operation: async ({ params }, { broker }) => {
      await broker.schedules.delete(name('schedule', params['schedule']));
      return noContent;
    },
  },
];
