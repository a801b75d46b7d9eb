import { startCliBroker, type CliBroker } from './brokerFixture.js';
import { runCli, startCli } from './conveyorCli.js';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

interface Printed {
  readonly id: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly body: unknown;
  readonly ackId?: string;
  readonly deliveryAttempt?: number;
}

describe('Commands: conveyor publish, pull, ack, nack, dlq, tail and stats (child processes against a broker)', () => {
  let broker: CliBroker;
  let env: Record<string, string>;
  let topics = 0;

  /** A fresh topic (2 partitions) with one subscription `work` (retries at once, `maxDeliveries` as given). */
  async function topicWithSubscription(maxDeliveries = 5): Promise<string> {
    topics += 1;
    const topic = `t${topics}`;
    expect((await runCli(['topics', 'create', topic, '--partitions', '2'], { env })).code).toBe(0);
    expect((await runCli(['subs', 'create', topic, 'work', '--max-deliveries', String(maxDeliveries), '--retry-min', '0', '--retry-max', '0'], { env })).code).toBe(0);
    return topic;
  }

  async function pull(topic: string, extra: readonly string[] = []): Promise<Printed[]> {
    const run = await runCli(['pull', topic, 'work', '--max', '10', '--wait-seconds', '2', ...extra], { env });
    expect(run.code).toBe(0);
    return run.records as Printed[];
  }

  beforeAll(async () => {
    broker = await startCliBroker('cli-messages');
    env = broker.env;
  });

  afterAll(() => broker.stop());

  describe('Command: publish (one message from flags)', () => {
    it('publishes a body with key and attributes under a new ULID, and prints where it went', async () => {
      // Prepare
      const topic = await topicWithSubscription();

      // Act
      const run = await runCli(['publish', topic, '--body', '{"total":42}', '--key', 'customer-7', '--attr', 'region=eu', '--attr', 'tier=gold'], { env });
      const [delivery] = await pull(topic);

      // Assess
      expect(run.code).toBe(0);
      const [result] = run.records as { id: string; partition: number; offset: number; duplicate: boolean }[];
      expect(result).toEqual({ id: expect.stringMatching(ULID) as unknown, partition: 1, offset: 0, duplicate: false });
      expect(delivery).toMatchObject({ id: result!.id, key: 'customer-7', body: { total: 42 }, attributes: { region: 'eu', tier: 'gold' } });
    });

    it('says when an --id was already published, and when a message waits for its delay', async () => {
      // Prepare
      const topic = await topicWithSubscription();
      await runCli(['publish', topic, '--body', '1', '--id', 'order-1'], { env });

      // Act
      const again = await runCli(['publish', topic, '--body', '1', '--id', 'order-1', '--no-json'], { env });
      const delayed = await runCli(['publish', topic, '--body', '2', '--delay-seconds', '3600'], { env });

      // Assess
      expect(again.stdout).toMatch(/^order-1 was already published \(at partition \d, offset 0\); not appended again\n$/);
      expect(delayed.records).toEqual([expect.objectContaining({ scheduledFor: expect.any(String) as unknown, duplicate: false })]);
    });

    it.each([
      { case: 'a topic that does not exist', args: ['publish', 'nowhere', '--body', '1'], code: 1, stderr: /"code":"TopicNotFound"/ },
      { case: 'a body that is not JSON', args: ['publish', 'nowhere', '--body', 'hello'], code: 2, stderr: /--body must be JSON/ },
      { case: '--id with NDJSON input', args: ['publish', 'nowhere', '--id', 'x', '--file', '-'], code: 2, stderr: /--id names one message/ },
      { case: 'an --attr without a name', args: ['publish', 'nowhere', '--body', '1', '--attr', 'eu'], code: 2, stderr: /--attr must be name=value/ },
    ])('exits $code on $case', async ({ args, code, stderr }) => {
      // Act
      const run = await runCli(args, { env });

      // Assess
      expect(run.code).toBe(code);
      expect(run.stderr).toMatch(stderr);
    });
  });

  describe('Commands: pull, ack and nack', () => {
    it('prints pulled messages with their ack ids, acks them, and names each ack id that did nothing with exit 4', async () => {
      // Prepare
      const topic = await topicWithSubscription();
      await runCli(['publish', topic, '--body', '"a"'], { env });
      await runCli(['publish', topic, '--body', '"b"'], { env });
      const pulled = await pull(topic);
      const ackIds = pulled.map((message) => message.ackId!);

      // Act
      const acked = await runCli(['ack', topic, 'work', ...ackIds], { env });
      const again = await runCli(['ack', topic, 'work', ackIds[0]!, '--no-json'], { env });

      // Assess
      expect(pulled.map((message) => message.body).sort()).toEqual(['a', 'b']);
      expect(pulled.every((message) => message.deliveryAttempt === 1)).toBe(true);
      expect(acked).toMatchObject({ code: 0, records: [{ acked: 2, notAcked: 0, failed: [] }] });
      expect(again.code).toBe(4);
      expect(again.stdout).toMatch(new RegExp(`^acked 0 of 1; 1 did nothing:\\nACK ID +REASON\\n${ackIds[0]} +InvalidAckId: `));
    });

    it('acks ack ids piped in with -', async () => {
      // Prepare
      const topic = await topicWithSubscription();
      await runCli(['publish', topic, '--body', '1'], { env });
      const [message] = await pull(topic);

      // Act
      const run = await runCli(['ack', topic, 'work', '-'], { env, stdin: `${message!.ackId}\n\n` });

      // Assess
      expect(run.records).toEqual([{ acked: 1, notAcked: 0, failed: [] }]);
    });

    it('acks what it printed with --ack, printing no ack ids', async () => {
      // Prepare
      const topic = await topicWithSubscription();
      await runCli(['publish', topic, '--body', '1'], { env });

      // Act
      const printed = await pull(topic, ['--ack']);
      const described = await runCli(['subs', 'get', topic, 'work'], { env });

      // Assess
      expect(printed).toEqual([expect.objectContaining({ body: 1 })]);
      expect(printed[0]).not.toHaveProperty('ackId');
      expect(described.records).toEqual([expect.objectContaining({ stats: expect.objectContaining({ backlog: 0, inFlight: 0 }) as unknown })]);
    });

    it('nacks with a reason; after maxDeliveries dlq lists the dead letter, redrives the ids it has (exit 4 for the others) and purges', async () => {
      // Prepare
      const topic = await topicWithSubscription(1);
      await runCli(['publish', topic, '--body', '{"job":1}', '--id', 'job-1'], { env });
      const [first] = await pull(topic);

      // Act
      const nacked = await runCli(['nack', topic, 'work', first!.ackId!, '--reason', 'smtp timeout'], { env });
      const listed = await runCli(['dlq', topic, 'work'], { env });
      const redriven = await runCli(['dlq', topic, 'work', 'redrive', '--ids', 'job-1,job-404'], { env });
      const [second] = await pull(topic);
      await runCli(['nack', topic, 'work', second!.ackId!], { env });
      const purged = await runCli(['dlq', topic, 'work', 'purge', '--no-json'], { env });
      const empty = await runCli(['dlq', topic, 'work', 'list', '--no-json'], { env });

      // Assess
      expect(nacked.records).toEqual([{ nacked: 1, notAcked: 0, failed: [] }]);
      expect(listed.records).toEqual([expect.objectContaining({ id: 'job-1', lastError: 'smtp timeout', deliveryAttempt: 1, body: { job: 1 } })]);
      expect(redriven).toMatchObject({ code: 4, records: [{ redriven: 1, named: 2, notFound: 1 }] });
      expect(second).toMatchObject({ id: 'job-1', deliveryAttempt: 1 });
      expect(purged).toMatchObject({ code: 0, stdout: 'deleted 1 dead letter\n' });
      expect(empty.stdout).toBe(`${topic}/work has no dead letters\n`);
    });

    it('lists delayed messages soonest first and cancels them; an id no longer waiting (cancelled already included) is named with exit 4', async () => {
      // Prepare
      const topic = await topicWithSubscription();
      await runCli(['publish', topic, '--body', '"later"', '--id', 'later', '--delay-seconds', '3600'], { env });
      await runCli(['publish', topic, '--body', '"sooner"', '--id', 'sooner', '--delay-seconds', '600'], { env });

      // Act
      const listed = await runCli(['delayed', topic], { env });
      const cancelled = await runCli(['delayed', topic, 'cancel', 'sooner', 'never-published'], { env });
      const left = await runCli(['delayed', topic, 'list', '--no-json'], { env });
      const again = await runCli(['delayed', topic, 'cancel', 'later', '--no-json'], { env });
      const twice = await runCli(['delayed', topic, 'cancel', 'sooner', '--no-json'], { env });
      const empty = await runCli(['delayed', topic, '--no-json'], { env });

      // Assess
      expect((listed.records as Printed[]).map((m) => m.id)).toEqual(['sooner', 'later']);
      expect(cancelled).toMatchObject({ code: 4, records: [{ cancelled: 1, notWaiting: ['never-published'] }] });
      expect(left.stdout).toMatch(/^ID +DELIVER AT +KEY +PARTITION +BODY\nlater +\d{4}-/);
      expect(again).toMatchObject({ code: 0, stdout: 'cancelled 1 of 1\n' });
      expect(twice).toMatchObject({ code: 4, stdout: 'cancelled 0 of 1; not waiting (released already, cancelled by an earlier attempt, or unknown): sooner\n' });
      expect(empty.stdout).toBe(`${topic} has no delayed messages\n`);
    });

    it.each([
      { case: 'a --max past a pull', args: (topic: string) => ['pull', topic, 'work', '--max', '101'], code: 2 },
      { case: 'ack without ack ids on stdin', args: (topic: string) => ['ack', topic, 'work', '-'], code: 2 },
      { case: 'a dlq action that is not one', args: (topic: string) => ['dlq', topic, 'work', 'replay'], code: 2 },
      { case: 'cancel without an id', args: (topic: string) => ['delayed', topic, 'cancel'], code: 2 },
      { case: 'a subscription that does not exist', args: (topic: string) => ['pull', topic, 'nobody'], code: 1 },
    ])('exits $code on $case', async ({ args, code }) => {
      // Prepare
      const topic = await topicWithSubscription();

      // Act
      const run = await runCli(args(topic), { env });

      // Assess
      expect(run.code).toBe(code);
      expect(run.stdout).toBe('');
    });
  });

  describe('Command: tail', () => {
    let topic: string;

    beforeAll(async () => {
      topic = await topicWithSubscription();
      // customer-7 → partition 1 and customer-8 → partition 0 of 2 (murmur2)
      for (const [key, body] of [['customer-7', 1], ['customer-8', 2], ['customer-7', 3], ['customer-8', 4], ['customer-7', 5]] as const) {
        await runCli(['publish', topic, '--key', key, '--body', String(body), ...(body === 5 ? ['--attr', 'region=eu'] : [])], { env });
      }
    });

    it('prints every partition from the oldest message, in offset order per partition', async () => {
      // Act
      const run = await runCli(['tail', topic], { env });

      // Assess
      const printed = run.records as Printed[];
      expect(run.code).toBe(0);
      expect(printed.filter((m) => m.partition === 1).map((m) => [m.offset, m.body])).toEqual([[0, 1], [1, 3], [2, 5]]);
      expect(printed.filter((m) => m.partition === 0).map((m) => [m.offset, m.body])).toEqual([[0, 2], [1, 4]]);
    });

    it('prints partition, offset, key, body and attributes tab-separated for people', async () => {
      // Act
      const run = await runCli(['tail', topic, '--partition', '1', '--from-offset', '1', '--no-json'], { env });

      // Assess
      expect(run.stdout).toBe('1\t1\tcustomer-7\t3\n1\t2\tcustomer-7\t5\tregion=eu\n');
    });

    it.each([
      { case: 'stops after --max messages', args: ['--partition', '1', '--max', '2'], bodies: [1, 3] },
      { case: 'starts at --from-time', args: ['--from-time', '2099-01-01T00:00:00Z'], bodies: [] },
      { case: 'starts at --from-beginning', args: ['--partition', '0', '--from-beginning'], bodies: [2, 4] },
    ])('$case', async ({ args, bodies }) => {
      // Act
      const run = await runCli(['tail', topic, ...args], { env });

      // Assess
      expect(run.code).toBe(0);
      expect((run.records as Printed[]).map((m) => m.body)).toEqual(bodies);
    });

    it('with --follow prints only what is published from then on, until SIGINT, which exits 0', async () => {
      // Prepare
      const follow = startCli(['tail', topic, '--follow', '--poll-ms', '100'], { env });
      // It reads where each partition ends when it starts, and says so on stderr.
      await follow.waitFor(/following .* from the end/, 15_000, 'stderr');

      // Act
      await runCli(['publish', topic, '--key', 'customer-8', '--body', '"late"'], { env });
      await follow.waitFor(/"late"/);
      const run = await follow.stop('SIGINT');

      // Assess
      expect(run.code).toBe(0);
      expect(run.records).toEqual([expect.objectContaining({ partition: 0, offset: 2, body: 'late' })]);
    });

    it.each([
      { case: 'two starts', args: ['--from-offset', '0', '--from-beginning'], message: 'name one of --from-offset, --from-time and --from-beginning' },
      { case: 'a partition the topic does not have', args: ['--partition', '2'], message: '--partition must be between 0 and 1 (topic' },
      { case: 'a time without a zone', args: ['--from-time', '2026-01-01T00:00:00'], message: '--from-time must be an RFC 3339 time with a zone' },
    ])('exits 2 on $case', async ({ args, message }) => {
      // Act
      const run = await runCli(['tail', topic, ...args, '--no-json'], { env });

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    });
  });

  describe('Command: stats', () => {
    it('prints backlog, in flight, delayed, dead letters and oldest unacked age of each subscription, without rates from one sample', async () => {
      // Prepare
      const topic = await topicWithSubscription();
      await runCli(['subs', 'create', topic, 'other'], { env });
      for (const body of [1, 2, 3]) await runCli(['publish', topic, '--body', String(body)], { env });
      await runCli(['pull', topic, 'work', '--max', '1'], { env });

      // Act
      const run = await runCli(['stats', topic], { env });

      // Assess
      expect(run.code).toBe(0);
      expect(run.records).toEqual([
        {
          time: expect.any(String) as unknown,
          topic,
          partitions: 2,
          retained: 3,
          publishedPerSecond: null,
          subscriptions: [
            { subscription: 'other', backlog: 3, inFlight: 0, delayed: 0, deadLetters: 0, oldestUnackedAgeSeconds: expect.any(Number) as unknown, ackedPerSecond: null },
            { subscription: 'work', backlog: 2, inFlight: 1, delayed: 0, deadLetters: 0, oldestUnackedAgeSeconds: expect.any(Number) as unknown, ackedPerSecond: null },
          ],
        },
      ]);
    });

    it('with --watch prints a sample per interval with published and acked rates, until SIGINT, which exits 0', async () => {
      // Prepare
      const topic = await topicWithSubscription();
      const watch = startCli(['stats', topic, 'work', '--watch', '--interval', '1'], { env });
      await watch.waitFor(/"time"/);

      // Act
      for (const body of [1, 2, 3, 4]) await runCli(['publish', topic, '--body', String(body)], { env });
      await pull(topic, ['--ack']);
      await watch.waitFor(/"ackedPerSecond":[1-9]/);
      const run = await watch.stop('SIGINT');

      // Assess
      const samples = run.records as { publishedPerSecond: number | null; subscriptions: { ackedPerSecond: number | null }[] }[];
      expect(run.code).toBe(0);
      expect(samples[0]!.publishedPerSecond).toBeNull();
      expect(samples.slice(1).every((sample) => typeof sample.publishedPerSecond === 'number')).toBe(true);
      expect(samples.some((sample) => sample.publishedPerSecond! > 0)).toBe(true);
    });

    it('exits 1 for a subscription that does not exist', async () => {
      // Prepare
      const topic = await topicWithSubscription();

      // Act
      const run = await runCli(['stats', topic, 'nobody'], { env });

      // Assess
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stderr)).toMatchObject({ error: { status: 404, code: 'SubscriptionNotFound' } });
    });
  });
});
