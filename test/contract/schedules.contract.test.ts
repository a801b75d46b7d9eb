import type { Schedule } from '../../src/domain/types.js';
import { requireStatus } from './harness/ApiClient.js';
import { describeContract } from './harness/backends.js';
import { partitionStats, readPage } from './harness/logFixtures.js';
import { iso } from './harness/queueFixtures.js';

const FIVE_MINUTES = 5 * 60_000;
/** A cron that fires once a year, so CRUD tests never see a tick. */
const YEARLY = '0 0 1 1 *';

/** The first `*\/5 * * * *` tick strictly after `ms`. */
const nextFiveMinuteTick = (ms: number): number => Math.floor(ms / FIVE_MINUTES) * FIVE_MINUTES + FIVE_MINUTES;

/** A schedule body for `topic`; fields of `overrides` replace the defaults. */
function scheduleInput(topic: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { topic, cron: YEARLY, message: { body: { report: 'daily' } }, ...overrides };
}

describeContract('Schedules', (target) => {
  async function getSchedule(name: string): Promise<Schedule> {
    return requireStatus(`getting schedule ${name}`, await target().api.getSchedule(name));
  }

  /** The schedule's next tick. */
  async function nextTickOf(name: string): Promise<string> {
    const { nextFireAt } = await getSchedule(name);
    if (nextFireAt === null) throw new Error(`schedule ${name} has no next tick`);
    return nextFireAt;
  }

  /** Moves the clock a second past `tick` (the schedule's next tick by default) and returns that tick. */
  async function passNextTick(name: string, tick?: string): Promise<string> {
    const passed = tick ?? (await nextTickOf(name));
    await target().advance(Date.parse(passed) - target().clock.now() + 1_000);
    return passed;
  }

  describe('PUT /v1/schedules/{schedule}', () => {
    it('creates a schedule with 201, UTC by default, its next tick and no last tick', async () => {
      // Prepare
      target().clock.freeze();
      await target().api.createTopic('reports');
      const now = target().clock.now();

      // Act
      const response = await target().api.putSchedule('every-five', scheduleInput('reports', { cron: '*/5 * * * *' }));

      // Assess
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        name: 'every-five',
        topic: 'reports',
        cron: '*/5 * * * *',
        timezone: 'UTC',
        message: { body: { report: 'daily' } },
        createdAt: iso(now),
        nextFireAt: iso(nextFiveMinuteTick(now)),
        lastFiredAt: null,
      });
    });

    it('replaces an existing schedule with 200 and keeps its creation time', async () => {
      // Prepare
      await target().api.createTopic('replaced');
      const created = await target().api.putSchedule('replace-me', scheduleInput('replaced'));
      const replacement = { cron: '30 6 * * 1-5', timezone: 'Europe/Berlin', message: { body: 'weekday', key: 'k', attributes: { kind: 'cron' } } };

      // Act
      const response = await target().api.putSchedule('replace-me', scheduleInput('replaced', replacement));

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: 'replace-me', topic: 'replaced', ...replacement, createdAt: created.body.createdAt, lastFiredAt: null });
      expect(await getSchedule('replace-me')).toEqual(response.body);
    });

    it('evaluates the cron expression in the given time zone', async () => {
      // Prepare
      target().clock.freeze();
      await target().api.createTopic('zoned');
      const paris = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

      // Act
      const response = await target().api.putSchedule('paris-seven', scheduleInput('zoned', { cron: '0 7 * * *', timezone: 'Europe/Paris' }));

      // Assess: the first 07:00 in Paris after now
      const next = Date.parse(response.body.nextFireAt ?? '');
      const now = target().clock.now();
      expect(response.status).toBe(201);
      expect(paris.format(next)).toBe('07:00');
      expect(next).toBeGreaterThan(now);
      expect(next - now).toBeLessThanOrEqual(24 * 3_600_000);
    });

    it('accepts a six-field cron expression with seconds first', async () => {
      // Prepare
      target().clock.freeze();
      await target().api.createTopic('seconds');
      const now = target().clock.now();

      // Act
      const response = await target().api.putSchedule('half-minute', scheduleInput('seconds', { cron: '*/30 * * * * *' }));

      // Assess: the first whole half-minute strictly after now
      expect(response.status).toBe(201);
      expect(response.body.nextFireAt).toBe(iso(Math.floor(now / 30_000) * 30_000 + 30_000));
    });

    it('answers 404 TopicNotFound when the topic does not exist', async () => {
      // Act
      const response = await target().api.putSchedule('orphan', scheduleInput('no-such-topic'));

      // Assess
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('TopicNotFound');
      expect((await target().api.getSchedule('orphan')).status).toBe(404);
    });

    it.each([
      { case: 'a malformed cron expression', field: 'cron', value: 'every day at noon' },
      { case: 'an out-of-range cron field', field: 'cron', value: '61 * * * *' },
      { case: 'an unknown time zone', field: 'timezone', value: 'Mars/Olympus_Mons' },
    ])('answers 400 InvalidRequest naming the value for $case', async ({ field, value }) => {
      // Prepare
      await target().api.createTopic('validated');

      // Act
      const response = await target().api.putSchedule('invalid', scheduleInput('validated', { [field]: value }));

      // Assess
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('InvalidRequest');
      expect(response.body.error.message).toContain(value);
      expect((await target().api.getSchedule('invalid')).status).toBe(404);
    });
  });

  describe('GET /v1/schedules', () => {
    it('lists every schedule as GET of one describes it', async () => {
      // Prepare
      await target().api.createTopic('listed');
      await target().api.putSchedule('listed-a', scheduleInput('listed'));
      await target().api.putSchedule('listed-b', scheduleInput('listed', { message: { body: 'b' } }));

      // Act
      const response = await target().api.listSchedules();

      // Assess
      expect(response.status).toBe(200);
      const listed = response.body.schedules.filter((schedule) => schedule.topic === 'listed');
      expect(listed).toEqual(expect.arrayContaining([await getSchedule('listed-a'), await getSchedule('listed-b')]));
      expect(listed).toHaveLength(2);
    });
  });

  describe('DELETE /v1/schedules/{schedule}', () => {
    it('deletes with 204, after which the schedule is 404 ScheduleNotFound', async () => {
      // Prepare
      await target().api.createTopic('deleting');
      await target().api.putSchedule('short-lived', scheduleInput('deleting'));

      // Act
      const deleted = await target().api.deleteSchedule('short-lived');

      // Assess
      expect(deleted.status).toBe(204);
      const [get, again] = [await target().api.getSchedule('short-lived'), await target().api.deleteSchedule('short-lived')];
      expect([get.status, again.status]).toEqual([404, 404]);
      expect(get.body.error.code).toBe('ScheduleNotFound');
    });

    it('stops publishing once deleted', async () => {
      // Prepare
      await target().api.createTopic('silenced', { partitions: 1 });
      await target().api.putSchedule('silenced-tick', scheduleInput('silenced', { cron: '*/5 * * * *' }));
      const tick = await nextTickOf('silenced-tick');
      const deleted = await target().api.deleteSchedule('silenced-tick');

      // Act
      await passNextTick('silenced-tick', tick);

      // Assess
      expect(deleted.status).toBe(204);
      expect(await partitionStats(target().api, 'silenced')).toEqual([{ partition: 0, oldestOffset: 0, nextOffset: 0 }]);
    });

    it('deletes the schedules of a deleted topic', async () => {
      // Prepare
      await target().api.createTopic('doomed');
      await target().api.putSchedule('doomed-tick', scheduleInput('doomed'));

      // Act
      await target().api.deleteTopic('doomed');

      // Assess
      const response = await target().api.getSchedule('doomed-tick');
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('ScheduleNotFound');
      expect((await target().api.listSchedules()).body.schedules.map((schedule) => schedule.name)).not.toContain('doomed-tick');
    });
  });

  describe('firing', () => {
    const message = { body: { report: 'daily', format: 'pdf' }, key: 'reports', attributes: { kind: 'cron' } };

    it('publishes its message with id <name>@<tick> when the clock passes a tick, and moves on to the next tick', async () => {
      // Prepare
      await target().api.createTopic('fired', { partitions: 1 });
      await target().api.createSubscription('fired', 'worker');
      await target().api.putSchedule('fire', scheduleInput('fired', { cron: '*/5 * * * *', message }));

      // Act
      const tick = await passNextTick('fire');

      // Assess: published once the tick had come, by the time the clock passed it
      const { messages } = await readPage(target().api, 'fired', 0);
      expect(messages).toEqual([
        { id: `fire@${tick}`, topic: 'fired', partition: 0, offset: 0, ...message, publishedAt: expect.any(String) },
      ]);
      const publishedAt = Date.parse(messages[0]!.publishedAt);
      expect(publishedAt).toBeGreaterThanOrEqual(Date.parse(tick));
      expect(publishedAt).toBeLessThanOrEqual(target().clock.now());
      const pulled = (await target().api.pull('fired', 'worker', { max: 10 })).body.messages;
      expect(pulled.map(({ id, body }) => ({ id, body }))).toEqual([{ id: `fire@${tick}`, body: message.body }]);
      const schedule = await getSchedule('fire');
      expect({ lastFiredAt: schedule.lastFiredAt, nextFireAt: schedule.nextFireAt }).toEqual({
        lastFiredAt: tick,
        nextFireAt: new Date(Date.parse(tick) + FIVE_MINUTES).toISOString(),
      });
    });

    it('does not publish a tick again when maintenance runs without the clock moving', async () => {
      // Prepare
      await target().api.createTopic('fired-once', { partitions: 1 });
      await target().api.putSchedule('fire-once', scheduleInput('fired-once', { cron: '*/5 * * * *', message }));
      await passNextTick('fire-once');

      // Act
      await target().maintain();
      await target().maintain();

      // Assess
      expect(await partitionStats(target().api, 'fired-once')).toEqual([{ partition: 0, oldestOffset: 0, nextOffset: 1 }]);
    });

    it('publishes once per tick as the clock passes several ticks one by one', async () => {
      // Prepare
      await target().api.createTopic('fired-twice', { partitions: 1 });
      await target().api.putSchedule('fire-twice', scheduleInput('fired-twice', { cron: '*/5 * * * *', message }));

      // Act
      const ticks = [await passNextTick('fire-twice'), await passNextTick('fire-twice')];

      // Assess
      const { messages } = await readPage(target().api, 'fired-twice', 0);
      expect(messages.map((published) => published.id)).toEqual(ticks.map((tick) => `fire-twice@${tick}`));
      expect(Date.parse(ticks[1]!) - Date.parse(ticks[0]!)).toBe(FIVE_MINUTES);
    });
  });
});
