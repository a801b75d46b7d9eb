import { ReceiveMessageCommand, type SendMessageBatchCommandInput, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import type { MiddlewareStack } from '@smithy/types';
import { createAwsClients, type AwsClients, type ClientPlugin } from '../../src/adapters/aws/clients.js';
import { DelayQueueSender, SCHEDULE_LEAD_MS, atExpression } from '../../src/adapters/aws/DelayQueueSender.js';
import { RequestCounter } from '../../src/adapters/aws/RequestCounter.js';
import { ErrorCode } from '../../src/domain/errors.js';
import type { Topic } from '../../src/domain/types.js';
import type { LogEntry } from '../../src/ports/MessageLog.js';
import { startEmulator, type Emulator } from '../helpers/emulator.js';
import { FaultInjector } from '../helpers/FaultInjector.js';
import { DELIVERY_FAILURE_QUEUE_ARN, ROLE_ARN, SharedClock, createDelayResources, receiveAll, schedulesOf, type DelayResources } from './delayFixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const orders: Topic = { name: 'orders', createdAt: '2026-01-01T00:00:00.000Z', partitions: 4, retentionHours: 24, dedupWindowSeconds: 3600 };

function entry(id: string, dueAt: number, overrides: Partial<LogEntry> = {}): LogEntry & { dueAt: number } {
  return { id, partition: 1, key: `key-${id}`, body: { id }, attributes: { kind: 'test' }, clientId: true, ...overrides, dueAt };
}

/** The envelope the delay queue or a schedule carries for an entry of `orders`. */
function envelopeOf(item: LogEntry & { dueAt: number }, topic: Topic = orders): Record<string, unknown> {
  return { topic: topic.name, topicCreatedAt: topic.createdAt, id: item.id, partition: item.partition, key: item.key, body: item.body, attributes: item.attributes, dueAt: item.dueAt };
}

/** SQS refusing the first entry of every SendMessageBatch as the sender's fault (FaultInjector's partial faults are retryable). */
class RefuseFirstEntry implements ClientPlugin {
  public apply(stack: MiddlewareStack<any, any>, service: string): void {
    if (service !== 'SQS') return;
    stack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'SendMessageBatchCommand') return next(args);
        const input = args.input as SendMessageBatchCommandInput;
        const [first, ...rest] = input.Entries ?? [];
        const result = await next({ ...args, input: { ...input, Entries: rest } });
        const output = result.output as SendMessageBatchCommandOutput;
        return { ...result, output: { ...output, Failed: [{ Id: first?.Id, SenderFault: true, Code: 'InvalidParameterValue', Message: 'refused' }] } };
      },
      { step: 'initialize', name: 'refuseFirstEntry' },
    );
  }
}

describe('Class: DelayQueueSender', () => {
  let emulator: Emulator;
  let clients: AwsClients;
  const counter = new RequestCounter();
  let resources: DelayResources;
  let clock: SharedClock;

  beforeAll(async () => {
    emulator = await startEmulator();
    clients = createAwsClients({ endpoint: emulator.endpoint, plugins: [counter] });
  });
  beforeEach(async () => {
    await emulator.reset();
    resources = await createDelayResources(clients);
    clock = new SharedClock(emulator);
    await clock.start();
    counter.reset();
  });
  afterAll(async () => {
    clients.destroy();
    await emulator.stop();
  });

  describe('Method: send', () => {
    it('queues a message due within 15 minutes in the delay queue, held for the whole seconds until it is due', async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const soon = entry('soon', clock.now() + MINUTE + 400);

      // Act
      await sender.send(orders, [soon]);

      // Assess: DelaySeconds 61 (60.4 s rounded up): hidden at 60 s, visible at 61 s
      await clock.advance(60_000);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([]);
      await clock.advance(1_000);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([envelopeOf(soon)]);
      expect(await schedulesOf(clients, resources.scheduleGroup)).toEqual([]);
    });

    it('queues a message due in exactly 15 minutes with the longest delay SQS allows', async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const edge = entry('edge', clock.now() + 15 * MINUTE);

      // Act
      await sender.send(orders, [edge]);

      // Assess
      await clock.advance(15 * MINUTE - 1_000);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([]);
      await clock.advance(1_000);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([envelopeOf(edge)]);
    });

    it('escapes the characters SQS refuses in a message, so the envelope reads back unchanged', async () => {
      // Prepare: moto accepts any character; SQS refuses U+FFFE and U+FFFF, which JSON does not escape
      const sender = new DelayQueueSender(clients, resources, clock);
      const odd = entry('odd', clock.now(), { body: 'noncharacters \uFFFE \uFFFF' });

      // Act
      await sender.send(orders, [odd]);

      // Assess
      const { Messages } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: resources.delayQueueUrl }));
      const raw = Messages?.[0]?.Body ?? '';
      expect(raw).not.toMatch(/[\uFFFE\uFFFF]/);
      expect(JSON.parse(raw)).toEqual(envelopeOf(odd));
    });

    it('sends up to ten messages per SendMessageBatch', async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const entries = Array.from({ length: 25 }, (_, i) => entry(`m${i}`, clock.now() + 5_000));

      // Act
      await sender.send(orders, entries);

      // Assess
      expect(counter.snapshot()).toEqual({ 'SQS.SendMessageBatch': 3 });
      await clock.advance(5_000);
      const ids = (await receiveAll(clients, resources.delayQueueUrl)).map((body) => (body as { id: string }).id);
      expect(ids.sort()).toEqual(entries.map((item) => item.id).sort());
    });

    // moto stores schedules and never runs them: these tests check the definition EventBridge
    // Scheduler would act on; the consumer's tests cover the envelope arriving early.
    it('creates a one-time schedule, deleted after it runs, that puts a later message in the delay queue shortly before it is due', async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const later = entry('later', clock.now() + 2 * HOUR + 500);

      // Act
      await sender.send(orders, [later]);

      // Assess
      const schedules = await schedulesOf(clients, resources.scheduleGroup);
      expect(schedules).toEqual([
        expect.objectContaining({
          GroupName: resources.scheduleGroup,
          ScheduleExpression: atExpression(later.dueAt - SCHEDULE_LEAD_MS),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          State: 'ENABLED',
          Target: {
            Arn: resources.delayQueueArn,
            RoleArn: ROLE_ARN,
            Input: JSON.stringify(envelopeOf(later)),
            RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
            DeadLetterConfig: { Arn: DELIVERY_FAILURE_QUEUE_ARN },
          },
        }),
      ]);
      expect(schedules[0]?.Name).toMatch(/^cvtest-d-[0-9a-f]{20}$/);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([]);
    });

    it('writes the at() time in UTC to the second', () => {
      expect(atExpression(Date.parse('2026-03-01T12:00:00.750Z'))).toBe('at(2026-03-01T12:00:00)');
      expect(atExpression(Date.parse('2026-03-01T23:59:59.999+02:00'))).toBe('at(2026-03-01T21:59:59)');
    });

    it('splits one batch between the delay queue and schedules by due time', async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const soon = entry('soon', clock.now() + 10 * MINUTE);
      const later = entry('later', clock.now() + 15 * MINUTE + 1);

      // Act
      await sender.send(orders, [soon, later]);

      // Assess
      const schedules = await schedulesOf(clients, resources.scheduleGroup);
      expect(schedules.map((schedule) => JSON.parse(schedule.Target?.Input ?? 'null') as unknown)).toEqual([envelopeOf(later)]);
      await clock.advance(10 * MINUTE);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([envelopeOf(soon)]);
    });

    it('treats the schedule a retried send finds in place as sent', async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const later = entry('later', clock.now() + 3 * HOUR);
      await sender.send(orders, [later]);

      // Act
      await sender.send(orders, [later]);

      // Assess
      expect(await schedulesOf(clients, resources.scheduleGroup)).toHaveLength(1);
    });

    it('gives messages with the same id their own schedules when their topics or contents differ', async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const dueAt = clock.now() + 3 * HOUR;
      const invoices: Topic = { ...orders, name: 'invoices' };
      const recreated: Topic = { ...orders, createdAt: '2026-02-01T00:00:00.000Z' };

      // Act
      await sender.send(orders, [entry('same-id', dueAt)]);
      await sender.send(invoices, [entry('same-id', dueAt)]);
      await sender.send(recreated, [entry('same-id', dueAt)]);
      await sender.send(orders, [entry('same-id', dueAt, { body: 'reused id, new message' })]);

      // Assess
      const inputs = (await schedulesOf(clients, resources.scheduleGroup)).map((schedule) => JSON.parse(schedule.Target?.Input ?? 'null') as Record<string, unknown>);
      expect(inputs.map(({ topic, topicCreatedAt, body }) => ({ topic, topicCreatedAt, body }))).toEqual(
        expect.arrayContaining([
          { topic: 'orders', topicCreatedAt: orders.createdAt, body: { id: 'same-id' } },
          { topic: 'invoices', topicCreatedAt: orders.createdAt, body: { id: 'same-id' } },
          { topic: 'orders', topicCreatedAt: recreated.createdAt, body: { id: 'same-id' } },
          { topic: 'orders', topicCreatedAt: orders.createdAt, body: 'reused id, new message' },
        ]),
      );
      expect(inputs).toHaveLength(4);
    });

    it.each([
      { case: 'a long delay whose envelope exceeds the 256 KB a schedule can carry', delayMs: HOUR, bodyLength: 262_144 },
      { case: 'a short delay whose envelope exceeds the 1 MiB an SQS message can carry', delayMs: MINUTE, bodyLength: 1_048_576 },
    ])('refuses $case with PayloadTooLarge, before sending anything', async ({ delayMs, bodyLength }) => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const fine = entry('fine', clock.now() + MINUTE);
      const huge = entry('huge', clock.now() + delayMs, { body: 'x'.repeat(bodyLength) });

      // Act
      const sending = sender.send(orders, [fine, huge]);

      // Assess
      await expect(sending).rejects.toMatchObject({ code: ErrorCode.PayloadTooLarge, message: expect.stringContaining('"huge"') });
      expect(counter.total()).toBe(0);
    });

    it('keeps each SendMessageBatch within the 1 MiB SQS takes in one request', async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const entries = Array.from({ length: 3 }, (_, i) => entry(`big${i}`, clock.now() + 1_000, { body: 'x'.repeat(400_000) }));

      // Act
      await sender.send(orders, entries);

      // Assess: two fit in one request, the third needs another
      expect(counter.snapshot()).toEqual({ 'SQS.SendMessageBatch': 2 });
      await clock.advance(1_000);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toHaveLength(3);
    });

    it('sends again only the entries a batch reported as failed for a retryable reason', async () => {
      // Prepare: SQS fails the first entry of the first batch, without queueing it
      const faults = new FaultInjector([{ target: 'SQS.SendMessageBatch', kind: 'partial', entries: [0], times: 1 }]);
      const flakyClients = createAwsClients({ endpoint: emulator.endpoint, plugins: [faults, counter] });
      const sender = new DelayQueueSender(flakyClients, resources, clock, { retry: { baseDelayMs: 1 } });
      const entries = Array.from({ length: 3 }, (_, i) => entry(`m${i}`, clock.now() + 5_000));

      // Act
      await sender.send(orders, entries);

      // Assess
      expect(faults.injected).toBe(1);
      expect(counter.snapshot()).toEqual({ 'SQS.SendMessageBatch': 2 });
      await clock.advance(5_000);
      const ids = (await receiveAll(clients, resources.delayQueueUrl)).map((body) => (body as { id: string }).id);
      expect(ids.sort()).toEqual(['m0', 'm1', 'm2']);
      flakyClients.destroy();
    });

    it('fails with a Conveyor error when SQS refuses an entry as the sender’s fault, after sending the rest', async () => {
      // Prepare
      const refusingClients = createAwsClients({ endpoint: emulator.endpoint, plugins: [new RefuseFirstEntry()] });
      const sender = new DelayQueueSender(refusingClients, resources, clock);

      // Act
      const sending = sender.send(orders, [entry('refused', clock.now() + 1_000), entry('accepted', clock.now() + 1_000)]);

      // Assess
      await expect(sending).rejects.toMatchObject({ code: ErrorCode.Internal, message: expect.stringContaining('InvalidParameterValue') });
      await clock.advance(1_000);
      expect(await receiveAll(clients, resources.delayQueueUrl)).toEqual([expect.objectContaining({ id: 'accepted' })]);
      refusingClients.destroy();
    });

    it('fails with a Conveyor error, not an SDK one, when the delay queue does not exist', async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, { ...resources, delayQueueUrl: `${resources.delayQueueUrl}-missing` }, clock);

      // Act
      const sending = sender.send(orders, [entry('lost', clock.now() + 1_000)]);

      // Assess
      await expect(sending).rejects.toMatchObject({ name: 'StorageError', code: ErrorCode.Internal });
    });
  });

  describe('Method: unschedule', () => {
    it("deletes the one-time schedule of a long delay, and leaves the others' alone", async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const [cancelled, kept] = [entry('cancelled', clock.now() + 3 * HOUR), entry('kept', clock.now() + 3 * HOUR)];
      await sender.send(orders, [cancelled, kept]);

      // Act
      await sender.unschedule(orders, cancelled);

      // Assess
      const left = await schedulesOf(clients, resources.scheduleGroup);
      expect(left.map((schedule) => JSON.parse(schedule.Target?.Input ?? '{}').id)).toEqual(['kept']);
    });

    it('does nothing, without failing, for an entry without a schedule (sent to the delay queue, or fired already)', async () => {
      // Prepare
      const sender = new DelayQueueSender(clients, resources, clock);
      const soon = entry('soon', clock.now() + MINUTE);
      await sender.send(orders, [soon]);

      // Act
      const unscheduling = sender.unschedule(orders, soon);

      // Assess
      await expect(unscheduling).resolves.toBeUndefined();
    });
  });
});
