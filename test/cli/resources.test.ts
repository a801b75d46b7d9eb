import { createServer } from 'node:net';
import { startCliBroker, type CliBroker } from './brokerFixture.js';
import { runCli } from './conveyorCli.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Commands: conveyor topics, subs and schedules (child processes against a broker)', () => {
  let broker: CliBroker;
  let env: Record<string, string>;

  beforeAll(async () => {
    broker = await startCliBroker('cli-resources');
    env = broker.env;
  });

  afterAll(() => broker.stop());

  describe('Command: topics', () => {
    it('creates, lists, describes and deletes a topic, printing the API answers as NDJSON into a pipe', async () => {
      // Act
      const created = await runCli(['topics', 'create', 'orders', '--partitions', '3', '--retention-hours', '24', '--dedup-window-seconds', '600'], { env });
      const listed = await runCli(['topics', 'list'], { env });
      const described = await runCli(['topics', 'get', 'orders'], { env });
      const deleted = await runCli(['topics', 'delete', 'orders'], { env });
      const gone = await runCli(['topics', 'get', 'orders'], { env });

      // Assess
      expect(created).toMatchObject({ code: 0, records: [{ name: 'orders', partitions: 3, retentionHours: 24, dedupWindowSeconds: 600 }] });
      expect(listed.code).toBe(0);
      expect(listed.records).toContainEqual(expect.objectContaining({ name: 'orders', partitions: 3 }));
      expect(described).toMatchObject({ code: 0, records: [{ name: 'orders', stats: { partitions: [{ partition: 0 }, { partition: 1 }, { partition: 2 }] } }] });
      expect(deleted).toMatchObject({ code: 0, records: [{ deleted: 'orders' }] });
      expect(gone.code).toBe(1);
    });

    it('prints tables and fields for people with --no-json', async () => {
      // Prepare
      await runCli(['topics', 'create', 'people', '--partitions', '2'], { env });

      // Act
      const listed = await runCli(['topics', '--no-json'], { env });
      const described = await runCli(['--no-json', 'topics', 'get', 'people'], { env });

      // Assess
      expect(listed.stdout).toMatch(/^NAME +PARTITIONS +RETENTION +DEDUP WINDOW +CREATED\n/);
      expect(listed.stdout).toMatch(/\npeople +2 +168h +3600s +\d{4}-/);
      expect(described.stdout).toContain('partitions:   2\n');
      expect(described.stdout).toContain('offsets:      0: 0..0 (0), 1: 0..0 (0)\n');
    });

    it.each([
      {
        case: 'a topic that does not exist, with the API error shape on stderr',
        args: ['topics', 'get', 'nowhere'],
        stderr: { error: { status: 404, code: 'TopicNotFound', message: 'topic "nowhere" does not exist' } },
      },
      {
        case: 'other settings for a topic that exists',
        args: ['topics', 'create', 'fixed', '--partitions', '4'],
        stderr: { error: { status: 409, code: 'Conflict' } },
      },
    ])('exits 1 on $case', async ({ args, stderr }) => {
      // Prepare
      await runCli(['topics', 'create', 'fixed', '--partitions', '2'], { env });

      // Act
      const run = await runCli(args, { env });

      // Assess
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(JSON.parse(run.stderr)).toMatchObject(stderr);
    });

    it('names the command, status, code and message for people', async () => {
      // Act
      const run = await runCli(['topics', 'get', 'nowhere', '--no-json'], { env });

      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('conveyor topics get: 404 TopicNotFound: topic "nowhere" does not exist\n');
    });

    it('exits 1 with 401 without the token', async () => {
      // Act
      const run = await runCli(['topics', 'list', '--no-json'], { env: { ...env, CONVEYOR_TOKEN: '' } });

      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^conveyor topics list: 401 Unauthorized: /);
    });

    it.each([
      { case: 'partitions past the limit', args: ['topics', 'create', 'x', '--partitions', '65'], message: '--partitions must be an integer between 1 and 64, but "65" was provided' },
      { case: 'an unknown option', args: ['topics', 'list', '--colour'], message: "unknown option '--colour'" },
      { case: 'a missing argument', args: ['topics', 'get'], message: "missing required argument 'name'" },
      { case: 'an unknown command', args: ['topix'], message: "unknown command 'topix'" },
      { case: 'a URL that is not one', args: ['topics', 'list', '--url', 'localhost:8080'], message: /--url: .*http\(s\) URL, but .*localhost:8080.* was provided/ },
    ])('exits 2 on $case', async ({ args, message }) => {
      // Act
      const run = await runCli(args, { env });

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });

    it('exits 3 when nothing answers at the URL, after the retries', async () => {
      // Prepare
      const url = `http://127.0.0.1:${await closedPort()}`;

      // Act
      const run = await runCli(['topics', 'list', '--url', url], { env });

      // Assess
      expect(run.code).toBe(3);
      expect(JSON.parse(run.stderr)).toMatchObject({ error: { status: 0, code: 'NetworkError' } });
    });
  });

  describe('Command: subs', () => {
    beforeAll(async () => {
      await runCli(['topics', 'create', 'shop', '--partitions', '2'], { env });
    });

    it('creates a subscription with every setting flag, lists, describes and deletes it', async () => {
      // Act
      const created = await runCli(
        ['subs', 'create', 'shop', 'eu', '--filter', '{"attributes":{"region":["eu"]}}', '--max-deliveries', '3', '--ack-deadline', '45', '--ordered', '--start-from', 'earliest', '--retry-min', '2', '--retry-max', '60', '--no-dead-letter-alarm'],
        { env },
      );
      const listed = await runCli(['subs', 'list', 'shop'], { env });
      const described = await runCli(['subs', 'get', 'shop', 'eu', '--no-json'], { env });
      const deleted = await runCli(['subs', 'delete', 'shop', 'eu'], { env });
      const gone = await runCli(['subs', 'get', 'shop', 'eu'], { env });

      // Assess
      expect(created).toMatchObject({
        code: 0,
        records: [{ topic: 'shop', name: 'eu', filter: { attributes: { region: ['eu'] } }, maxDeliveries: 3, ackDeadlineSeconds: 45, ordered: true, startFrom: 'earliest', retryBackoff: { minSeconds: 2, maxSeconds: 60 }, deadLetterAlarm: false }],
      });
      expect(listed.records).toEqual([expect.objectContaining({ name: 'eu', stats: expect.objectContaining({ backlog: 0 }) as unknown })]);
      expect(described.stdout).toContain('retry backoff:  2s doubling to 60s\n');
      expect(described.stdout).toContain('ordered:        yes (one message per key at a time)\n');
      expect(deleted).toMatchObject({ code: 0, records: [{ deleted: 'shop/eu' }] });
      expect(JSON.parse(gone.stderr)).toMatchObject({ error: { status: 404, code: 'SubscriptionNotFound' } });
    });

    it('changes the settings named with update, keeping the others', async () => {
      // Prepare
      await runCli(['subs', 'create', 'shop', 'billing', '--max-deliveries', '3', '--ack-deadline', '30', '--retry-min', '1', '--retry-max', '600'], { env });

      // Act
      const updated = await runCli(['subs', 'update', 'shop', 'billing', '--max-deliveries', '7', '--retry-max', '120', '--no-dead-letter-alarm'], { env });
      const described = await runCli(['subs', 'get', 'shop', 'billing'], { env });

      // Assess
      expect(updated.code).toBe(0);
      expect(described.records).toEqual([
        expect.objectContaining({ maxDeliveries: 7, ackDeadlineSeconds: 30, retryBackoff: { minSeconds: 1, maxSeconds: 120 }, deadLetterAlarm: false }),
      ]);
    });

    it.each([
      { case: 'no setting to change', args: [], code: 2, stderr: /name at least one setting to change/ },
      { case: 'a retry minimum past the maximum', args: ['--retry-min', '900'], code: 1, stderr: /"status":400/ },
      { case: 'a subscription that does not exist', args: ['--max-deliveries', '2'], name: 'nobody', code: 1, stderr: /"code":"SubscriptionNotFound"/ },
    ])('exits $code on an update with $case', async ({ args, name, code, stderr }) => {
      // Prepare
      await runCli(['subs', 'create', 'shop', 'fixed-retries', '--retry-min', '1', '--retry-max', '600'], { env });

      // Act
      const run = await runCli(['subs', 'update', 'shop', name ?? 'fixed-retries', ...args], { env });

      // Assess
      expect(run.code).toBe(code);
      expect(run.stderr).toMatch(stderr);
    });

    it('exits 1 on a filter the API refuses', async () => {
      // Act
      const run = await runCli(['subs', 'create', 'shop', 'bad', '--filter', '{"key":"not-an-array"}'], { env });

      // Assess
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stderr)).toMatchObject({ error: { status: 400, code: 'InvalidFilter' } });
    });

    it.each([
      { case: 'a --start-from that is not one', args: ['--start-from', 'middle'], message: "argument 'middle' is invalid. Allowed choices are earliest, latest." },
      { case: 'a --filter that is not JSON', args: ['--filter', '{region'], message: '--filter must be JSON' },
      { case: 'a --filter that is not an object', args: ['--filter', '["eu"]'], message: '--filter must be a JSON object' },
    ])('exits 2 on $case', async ({ args, message }) => {
      // Act
      const run = await runCli(['subs', 'create', 'shop', 'x', ...args], { env });

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    });
  });

  describe('Command: schedules', () => {
    it('creates, lists, describes and deletes a cron schedule', async () => {
      // Prepare
      await runCli(['topics', 'create', 'reports'], { env });

      // Act
      const created = await runCli(['schedules', 'create', 'nightly', '--topic', 'reports', '--cron', '0 2 * * *', '--timezone', 'Europe/Berlin', '--body', '{"report":"daily"}', '--key', 'r', '--attr', 'kind=report'], { env });
      const listed = await runCli(['schedules'], { env });
      const described = await runCli(['schedules', 'get', 'nightly', '--no-json'], { env });
      const deleted = await runCli(['schedules', 'delete', 'nightly'], { env });
      const gone = await runCli(['schedules', 'get', 'nightly'], { env });

      // Assess
      expect(created).toMatchObject({ code: 0, records: [{ name: 'nightly', topic: 'reports', cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' }, key: 'r', attributes: { kind: 'report' } } }] });
      expect(listed.records).toContainEqual(expect.objectContaining({ name: 'nightly' }));
      expect(described.stdout).toContain('cron:     0 2 * * * (Europe/Berlin)\n');
      expect(deleted).toMatchObject({ code: 0, records: [{ deleted: 'nightly' }] });
      expect(JSON.parse(gone.stderr)).toMatchObject({ error: { status: 404, code: 'ScheduleNotFound' } });
    });

    it('exits 1 on a cron expression the API refuses, and 2 without --topic', async () => {
      // Act
      const refused = await runCli(['schedules', 'create', 'bad', '--topic', 'reports', '--cron', 'every day', '--body', '1'], { env });
      const usage = await runCli(['schedules', 'create', 'bad', '--cron', '* * * * *', '--body', '1'], { env });

      // Assess
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stderr)).toMatchObject({ error: { status: 400 } });
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain("required option '--topic <topic>' not specified");
    });
  });
});
