import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { createAwsClients, type AwsClients } from '../../src/adapters/aws/clients.js';
import { cronScheduleName } from '../../src/adapters/aws/names.js';
import { SchedulerTimers } from '../../src/adapters/aws/SchedulerTimers.js';
import { ErrorCode } from '../../src/domain/errors.js';
import type { Schedule } from '../../src/domain/types.js';
import { startEmulator, type Emulator } from '../helpers/emulator.js';
import { FaultInjector } from '../helpers/FaultInjector.js';
import { DELIVERY_FAILURE_QUEUE_ARN, ROLE_ARN, TARGET_ARN, createDelayResources, schedulesOf, type DelayResources } from './delayFixtures.js';

function schedule(name: string, overrides: Partial<Schedule> = {}): Schedule {
  return {
    name,
    topic: 'reports',
    cron: '0 2 * * *',
    timezone: 'Europe/Berlin',
    message: { body: { run: name } },
    createdAt: '2026-01-01T00:00:00.000Z',
    nextFireAt: '2026-01-02T01:00:00.000Z',
    lastFiredAt: null,
    ...overrides,
  };
}

describe('Class: SchedulerTimers', () => {
  let emulator: Emulator;
  let clients: AwsClients;
  let resources: DelayResources;
  let timers: SchedulerTimers;

  beforeAll(async () => {
    emulator = await startEmulator();
    clients = createAwsClients({ endpoint: emulator.endpoint });
  });
  beforeEach(async () => {
    await emulator.reset();
    resources = await createDelayResources(clients);
    timers = new SchedulerTimers(clients, resources);
  });
  afterAll(async () => {
    clients.destroy();
    await emulator.stop();
  });

  const stored = (name: string) => clients.scheduler.send(new GetScheduleCommand({ GroupName: resources.scheduleGroup, Name: cronScheduleName(resources.resourcePrefix, name) }));

  describe('Method: put', () => {
    it('creates a recurring schedule in the schedule’s time zone that invokes the schedule target with the schedule’s name, retried for a day and then dead-lettered', async () => {
      // Act
      await timers.put(schedule('nightly'));

      // Assess
      expect(await stored('nightly')).toEqual(
        expect.objectContaining({
          Name: 'cvtest-cron-nightly',
          GroupName: resources.scheduleGroup,
          ScheduleExpression: 'cron(0 2 * * ? *)',
          ScheduleExpressionTimezone: 'Europe/Berlin',
          FlexibleTimeWindow: { Mode: 'OFF' },
          State: 'ENABLED',
          Description: 'Conveyor schedule nightly: 0 2 * * * (Europe/Berlin)',
          Target: {
            Arn: TARGET_ARN,
            RoleArn: ROLE_ARN,
            Input: '{"schedule":"nightly"}',
            RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
            DeadLetterConfig: { Arn: DELIVERY_FAILURE_QUEUE_ARN },
          },
        }),
      );
    });

    it('replaces the schedule of a name that has one', async () => {
      // Prepare
      await timers.put(schedule('nightly'));

      // Act
      await timers.put(schedule('nightly', { cron: '30 6 * * 1-5', timezone: 'America/New_York' }));

      // Assess
      expect(await stored('nightly')).toEqual(
        expect.objectContaining({
          ScheduleExpression: 'cron(30 6 ? * MON-FRI *)',
          ScheduleExpressionTimezone: 'America/New_York',
          State: 'ENABLED',
          // UpdateSchedule replaces the whole definition: the dead-letter queue must be sent again.
          Target: expect.objectContaining({ Input: '{"schedule":"nightly"}', DeadLetterConfig: { Arn: DELIVERY_FAILURE_QUEUE_ARN } }),
        }),
      );
      expect((await schedulesOf(clients, resources.scheduleGroup)).map((found) => found.Name)).toEqual(['cvtest-cron-nightly']);
    });

    it('polls every minute for a cron EventBridge cannot express, and says why in the description', async () => {
      // Act
      await timers.put(schedule('first-or-monday', { cron: '0 9 1 * 1' }));

      // Assess
      expect(await stored('first-or-monday')).toEqual(
        expect.objectContaining({ ScheduleExpression: 'rate(1 minute)', Description: expect.stringContaining('polled every minute because day-of-month and day-of-week are both restricted') }),
      );
    });

    it('removes the timer of a schedule that never fires again', async () => {
      // Prepare
      await timers.put(schedule('once'));

      // Act
      await timers.put(schedule('once', { nextFireAt: null }));

      // Assess
      expect(await schedulesOf(clients, resources.scheduleGroup)).toEqual([]);
    });

    it('fails with a Conveyor error, not an SDK one, when EventBridge Scheduler keeps failing', async () => {
      // Prepare
      const faults = new FaultInjector([{ target: 'Scheduler.CreateSchedule', kind: 'server-error' }]);
      const failing = createAwsClients({ endpoint: emulator.endpoint, plugins: [faults], maxAttempts: 2 });

      // Act
      const putting = new SchedulerTimers(failing, resources).put(schedule('nightly'));

      // Assess
      await expect(putting).rejects.toMatchObject({ name: 'UnavailableError', code: ErrorCode.Unavailable });
      failing.destroy();
    });

    it('fails with QuotaExceeded, naming the schedules quota, when Scheduler answers ServiceQuotaExceededException', async () => {
      // Prepare
      const faults = new FaultInjector([{ target: 'Scheduler.CreateSchedule', kind: 'error', error: { name: 'ServiceQuotaExceededException', status: 402 } }]);
      const failing = createAwsClients({ endpoint: emulator.endpoint, plugins: [faults] });

      // Act
      const putting = new SchedulerTimers(failing, resources).put(schedule('nightly'));

      // Assess
      await expect(putting).rejects.toMatchObject({ code: ErrorCode.QuotaExceeded, quota: 'EventBridge Scheduler schedules per account and Region' });
      expect(faults.injected).toBe(1); // not retried: no retry lifts a quota
      expect(await schedulesOf(clients, resources.scheduleGroup)).toEqual([]);
      failing.destroy();
    });
  });

  describe('Method: delete', () => {
    it('deletes the schedule’s timer and leaves the others', async () => {
      // Prepare
      await timers.put(schedule('nightly'));
      await timers.put(schedule('hourly', { cron: '0 * * * *' }));

      // Act
      await timers.delete('nightly');

      // Assess
      expect((await schedulesOf(clients, resources.scheduleGroup)).map((found) => found.Name)).toEqual(['cvtest-cron-hourly']);
    });

    it('succeeds for a timer that is gone already', async () => {
      // Prepare
      await timers.put(schedule('nightly'));
      await timers.delete('nightly');

      // Act
      const deleting = timers.delete('nightly');

      // Assess
      await expect(deleting).resolves.toBeUndefined();
    });
  });
});
