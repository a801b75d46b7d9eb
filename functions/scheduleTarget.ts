import middy from '@middy/core';
import { awsProcessServices } from '../src/runtime/processServices.js';

/** What EventBridge Scheduler sends: the schedule that fired (informational; every due tick is published). */
export interface ScheduleInvocation {
  readonly schedule?: string;
}

/**
 * The target of every cron schedule's EventBridge Scheduler schedule: publishes
 * each due tick with its tick id, so a tick delivered twice is deduplicated.
 */
export const handler = middy<ScheduleInvocation, { fired: number }>().handler(async () => ({ fired: await (await awsProcessServices()).fireSchedules() }));
