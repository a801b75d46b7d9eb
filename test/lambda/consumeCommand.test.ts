import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, SQSEvent } from 'aws-lambda';
import { decodeQueueBody } from '../../src/adapters/aws/sqs/queueMessages.js';
import { ApiClient, requireStatus } from '../contract/harness/ApiClient.js';
import { Conveyor } from '../contract/harness/Conveyor.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { loopbackUrl, startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';
import { killCli, runCli, type CliProcess } from './cliProcess.js';

const TOKEN = 'consume-spec-token-0123456789';
const RECORDING_HANDLER = fileURLToPath(new URL('./fixtures/recordingHandler.mjs', import.meta.url));

/** One invocation as fixtures/recordingHandler.mjs writes it down. */
interface Invocation {
  readonly event: SQSEvent;
  readonly functionName: Context['functionName'];
  readonly remainingMs: number;
  readonly subscriptionQueues: string;
}

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

describe('Command: conveyor consume', () => {
  let server: ServerProcess;
  let dataDir: string;
  let workDir: string;
  let url: string;
  let api: Conveyor;
  let consumer: CliProcess | undefined;
  let topics = 0;

  /** A fresh topic with one subscription `billing` (settings as given). */
  async function subscription(settings: object = {}): Promise<string> {
    topics += 1;
    const topic = `orders-${topics}`;
    requireStatus('create the topic', await api.createTopic(topic, { partitions: 2 }), 201);
    requireStatus('create the subscription', await api.createSubscription(topic, 'billing', { retryBackoff: { minSeconds: 0, maxSeconds: 0 }, ...settings }), 201);
    return topic;
  }

  function consume(topic: string, handler: string, extra: readonly string[] = [], env: Record<string, string> = {}): { consumer: CliProcess; recording: string; started: string } {
    const recording = join(workDir, `${topic}-recording.jsonl`);
    const started = join(workDir, `${topic}-started`);
    consumer = runCli(['consume', topic, 'billing', '--handler', `${RECORDING_HANDLER}#${handler}`, '--url', url, '--token', TOKEN, '--wait-seconds', '1', ...extra], {
      RECORDING_FILE: recording,
      STARTED_FILE: started,
      ...env,
    });
    return { consumer, recording, started };
  }

  function invocations(file: string): Invocation[] {
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Invocation);
  }

  async function stats(topic: string): Promise<{ backlog: number; inFlight: number; deadLetters: number }> {
    return requireStatus('describe the subscription', await api.getSubscription(topic, 'billing')).stats;
  }

  beforeAll(async () => {
    dataDir = makeDataDir('consume-spec');
    workDir = mkdtempSync(join(tmpdir(), 'conveyor-consume-spec-'));
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir, AUTH_TOKENS: TOKEN });
    url = loopbackUrl(server.url);
    api = new Conveyor(new ApiClient(url, TOKEN));
  });
  afterEach(async () => {
    await killCli(consumer);
    consumer = undefined;
  });
  afterAll(async () => {
    await stopServer(server);
    removeDataDir(dataDir);
    rmSync(workDir, { recursive: true, force: true });
  });

  describe('Events', () => {
    it.each([
      { case: 'an unordered subscription: standard-queue records holding the queued message, as the unpacker sends it', ordered: false },
      { case: 'an ordered subscription: FIFO records with the key as message group', ordered: true },
    ])('invokes the handler with the SQS event the event source mapping would deliver, for $case', async ({ ordered }) => {
      // Prepare
      const topic = await subscription({ ordered, ackDeadlineSeconds: 30, maxDeliveries: 4 });
      const { results } = requireStatus('publish', await api.publish(topic, [{ id: 'order-1', key: 'customer-7', attributes: { region: 'eu' }, body: { total: 42 } }]));

      // Act
      const { consumer: running, recording } = consume(topic, 'handler');
      await eventually('the handler was invoked', () => invocations(recording).length === 1);
      running.child.kill('SIGINT');
      await running.exited;

      // Assess
      const [invocation] = invocations(recording);
      const [record] = invocation?.event.Records ?? [];
      if (invocation === undefined || record === undefined) throw new Error('no record');
      const queueArn = new RegExp(`^arn:aws:sqs:us-east-1:000000000000:conveyor-s-[0-9a-f]{20}${ordered ? '\\.fifo' : ''}$`);
      expect(record).toEqual({
        messageId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        receiptHandle: expect.any(String),
        body: expect.any(String),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d{13}$/),
          SenderId: expect.any(String),
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
          ...(ordered ? { MessageGroupId: 'customer-7', SequenceNumber: expect.stringMatching(/^\d+$/), MessageDeduplicationId: expect.any(String) } : {}),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(record.body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: expect.stringMatching(queueArn),
        awsRegion: 'us-east-1',
      });
      const [result] = results;
      expect(decodeQueueBody(record.body)).toEqual({ id: 'order-1', topic, key: 'customer-7', attributes: { region: 'eu' }, body: { total: 42 }, partition: result && 'partition' in result ? result.partition : -1, offset: 0, publishedAt: expect.any(String) });
      // The queued message itself on either queue: the relay sends it to a FIFO queue, the unpacker to a standard one.
      expect(Object.keys(JSON.parse(record.body) as object).sort()).toEqual(['filterable', 'id', 'offset', 'partition', 'publishedAt', 'topic']);
      expect(JSON.parse(invocation.subscriptionQueues)).toEqual({ [record.eventSourceARN]: { subscription: `${topic}/billing`, maxDeliveries: 4 } });
      expect(invocation.functionName).toBe(`${topic}-billing`);
      expect(invocation.remainingMs).toBeGreaterThan(0);
      expect(invocation.remainingMs).toBeLessThanOrEqual(30_000);
    });
  });

  describe('Lambda context', () => {
    it("gives the handler the time left of the batch's lease, which a PATCH of the ack deadline changes while it runs", async () => {
      // Prepare: a consumer that has handled one message under leases of 30 s.
      const topic = await subscription({ ackDeadlineSeconds: 30 });
      requireStatus('publish', await api.publish(topic, [{ id: 'order-1', body: 1 }]));
      // Short polls: a long-poll waiting when the deadline changes keeps the lease length it started with.
      const { consumer: running, recording } = consume(topic, 'handler', ['--wait-seconds', '0']);
      await eventually('the first message was handled', () => invocations(recording).length === 1);

      // Act: leases of 7 s from now on, and one more message.
      requireStatus('change the ack deadline', await api.updateSubscription(topic, 'billing', { ackDeadlineSeconds: 7 }));
      requireStatus('publish', await api.publish(topic, [{ id: 'order-2', body: 2 }]));
      await eventually('the second message was handled', () => invocations(recording).length === 2);
      running.child.kill('SIGINT');
      await running.exited;

      // Assess
      const [first, second] = invocations(recording);
      expect(first?.remainingMs).toBeGreaterThan(7_000);
      expect(first?.remainingMs).toBeLessThanOrEqual(30_000);
      expect(second?.remainingMs).toBeGreaterThan(0);
      expect(second?.remainingMs).toBeLessThanOrEqual(7_000);
    });
  });

  describe('Acks and nacks', () => {
    it('acks what succeeded and nacks what batchItemFailures lists, which a handler without consume() gives no reason for', async () => {
      // Prepare
      const topic = await subscription({ maxDeliveries: 1 });
      requireStatus('publish', await api.publish(topic, [{ id: 'good', body: 'fine' }, { id: 'bad', body: 'fail' }]));

      // Act
      const { consumer: running } = consume(topic, 'failing');
      await eventually('both messages are settled', async () => {
        const { backlog, inFlight, deadLetters } = await stats(topic);
        return backlog === 0 && inFlight === 0 && deadLetters === 1;
      });
      running.child.kill('SIGINT');
      const code = await running.exited;

      // Assess
      expect(code).toBe(0);
      const { messages } = requireStatus('list dead letters', await api.deadLetters(topic, 'billing'));
      expect(messages).toEqual([expect.objectContaining({ id: 'bad', deliveryAttempt: 1, lastError: 'reported in batchItemFailures' })]);
      expect(running.stderr()).toMatch(new RegExp(`${topic}/billing: 1 processed, 1 failed, \\d+\\.\\d/s, backlog 0\\n$`));
    });
  });

  describe('Stopping', () => {
    it('finishes the batch in hand on SIGINT, acks it and exits 0', async () => {
      // Prepare
      const topic = await subscription();
      requireStatus('publish', await api.publish(topic, [{ id: 'order-1', body: 1 }]));
      const { consumer: running, started, recording } = consume(topic, 'slow');
      await eventually('the handler started', () => existsSync(started));

      // Act
      running.child.kill('SIGINT');
      const code = await running.exited;

      // Assess
      expect(code).toBe(0);
      expect(invocations(recording)).toHaveLength(1);
      expect(await stats(topic)).toMatchObject({ backlog: 0, inFlight: 0 });
      expect(running.stderr()).toContain('SIGINT: finishing the batch in hand');
    });

    it('stops long-polling at once on SIGINT when it holds nothing', async () => {
      // Prepare
      const topic = await subscription();
      const running = consume(topic, 'handler', ['--wait-seconds', '20']).consumer;
      await eventually('it consumes', () => running.stderr().includes('consuming'));

      // Act
      running.child.kill('SIGINT');
      const code = await running.exited;

      // Assess
      expect(code).toBe(0);
    });

    it('exits at once with 130 on a second SIGINT', async () => {
      // Prepare
      const topic = await subscription();
      requireStatus('publish', await api.publish(topic, [{ id: 'order-1', body: 1 }]));
      const { consumer: running, started } = consume(topic, 'stuck');
      await eventually('the handler started', () => existsSync(started));

      // Act
      running.child.kill('SIGINT');
      await eventually('the first SIGINT was seen', () => running.stderr().includes('SIGINT again quits'));
      running.child.kill('SIGINT');
      const code = await running.exited;

      // Assess
      expect(code).toBe(130);
    });
  });

  describe('Refusals', () => {
    it.each([
      { case: 'a handler module that does not exist', handler: () => ['--handler', join(tmpdir(), 'no-such-handler.mjs')], message: /handler module .*no-such-handler\.mjs does not exist/ },
      { case: 'an export that is not a function', handler: () => ['--handler', `${RECORDING_HANDLER}#notAFunction`], message: /has no exported function "notAFunction"; it exports "failing", "handler", "slow", "stuck"/ },
      { case: 'a subscription that does not exist', handler: () => ['--handler', RECORDING_HANDLER], subscriptionName: 'nobody', message: /cannot consume .*\/nobody at .*: GET .*: 404 SubscriptionNotFound/ },
      { case: 'no token', handler: () => ['--handler', RECORDING_HANDLER], token: '', message: /401 Unauthorized/ },
      { case: 'a batch size past a pull', handler: () => ['--handler', RECORDING_HANDLER, '--batch-size', '101'], message: /--batch-size must be an integer between 1 and 100, but "101" was provided/ },
    ])('exits 1 with a message for $case', async ({ handler, subscriptionName, token, message }) => {
      // Prepare
      const topic = await subscription();

      // Act
      const cli = runCli(['consume', topic, subscriptionName ?? 'billing', '--url', url, ...(token === '' ? [] : ['--token', TOKEN]), ...handler()], { CONVEYOR_TOKEN: '' });
      consumer = cli;
      const code = await cli.exited;

      // Assess
      expect(code).toBe(1);
      expect(cli.stderr()).toMatch(message);
    });
  });
});
