import { pino } from 'pino';
import { partitionKey } from '../../src/adapters/aws/names.js';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { ErrorCode, UnavailableError } from '../../src/domain/errors.js';
import { LocalAwsRunner } from '../../src/emulation/LocalAwsRunner.js';
import type { StreamHandler } from '../../src/emulation/StreamPoller.js';
import { FaultInjector, type FaultRule } from '../helpers/FaultInjector.js';
import { createFanOutTopic, expectedIds, expectEveryMatchingMessageDelivered, logIds, orders, redeliveries, relayAndDrain } from './faultScenario.js';
import { startLocalAwsFixture, subscriptionSettings, type LocalAwsFixture } from './localAwsFixture.js';

const TOPIC = 'orders';
const SERVICES = ['DynamoDB', 'DynamoDBStreams', 'SQS', 'EventBridge', 'Scheduler'] as const;
const NO_REDELIVERIES = { everything: 0, europe: 0, ledger: 0 };

/**
 * Each spec publishes a few dozen orders (some delayed by seconds, some by
 * minutes) to a topic with an unfiltered, a filtered and an ordered
 * subscription, injects AWS failures into every SDK client, lets the local
 * runner play Lambda's event sources, drains every subscription, and checks
 * that nothing was lost and nothing but redeliveries of the same log entry
 * was added (faultScenario.ts).
 */
describe('AWS backend under injected AWS faults', () => {
  let aws: LocalAwsFixture;
  let faults: FaultInjector;

  beforeEach(async () => {
    faults = new FaultInjector();
    aws = await startLocalAwsFixture({ plugins: [faults] });
    await createFanOutTopic(aws.broker, TOPIC);
  });
  afterEach(() => aws.stop());

  it('delivers every message to every matching subscription when each service throttles every 3rd request and fails every 4th with a 500', async () => {
    // Prepare
    const messages = orders('order', 40, { short: 4, long: 2 });
    faults.arm(
      SERVICES.flatMap((service): FaultRule[] => [
        { target: `${service}.*`, kind: 'throttle', every: 3, times: 3 },
        { target: `${service}.*`, kind: 'server-error', every: 4, times: 3 },
      ]),
    );

    // Act
    await aws.broker.publisher.publish(TOPIC, messages);
    const received = await relayAndDrain(aws, TOPIC);

    // Assess
    const faultedServices = SERVICES.filter((service) => faults.injectedInto(service) > 0);
    expect(faultedServices).toEqual([...SERVICES]);
    expectEveryMatchingMessageDelivered(received, messages);
    expect(redeliveries(received)).toEqual(NO_REDELIVERIES); // the faults hit before sending: the SDK's retries sent nothing twice
    expect(await logIds(aws.broker, TOPIC)).toEqual(expectedIds(messages).everything);
  }, 60_000);

  describe('when batch calls fail some of their entries', () => {
    it.each<{ case: string; rules: (fixture: LocalAwsFixture) => FaultRule[] }>([
      {
        case: 'EventBridge fails the 1st and 4th entries of PutEvents',
        rules: () => [{ target: 'EventBridge.PutEvents', kind: 'partial', entries: [0, 3], times: 4 }],
      },
      {
        case: 'SQS fails entries of the relay’s SendMessageBatch to the ordered subscription’s FIFO queue',
        rules: () => [{ target: 'SQS.SendMessageBatch', kind: 'partial', entries: [0, 2], every: 2, times: 6, inputContains: '.fifo' }],
      },
      {
        case: 'SQS fails entries of SendMessageBatch to the delay queue',
        rules: ({ local }) => [{ target: 'SQS.SendMessageBatch', kind: 'partial', entries: [0, 2], times: 3, inputContains: local.resources.delayQueueUrl }],
      },
      {
        case: 'SQS fails entries of DeleteMessageBatch (acks)',
        // The subscription queues' deletes only: the pack inbox's are its event source mapping's, which Lambda makes.
        rules: ({ local }) => [{ target: 'SQS.DeleteMessageBatch', kind: 'partial', entries: [0, 2], times: 6, inputContains: `${local.resources.resourcePrefix}-s-` }],
      },
      {
        case: 'SQS fails entries of the pack inbox’s DeleteMessageBatch (the emulated event source mapping retries them)',
        rules: ({ local }) => [{ target: 'SQS.DeleteMessageBatch', kind: 'partial', entries: [0, 2], times: 3, inputContains: `${local.resources.resourcePrefix}-pack-inbox` }],
      },
      {
        case: 'DynamoDB cancels appends with transaction conflicts',
        rules: () => [{ target: 'DynamoDB.TransactWriteItems', kind: 'transaction-conflict', every: 2, times: 6 }],
      },
    ])('delivers every message to every matching subscription, once, when $case', async ({ rules }) => {
      // Prepare
      const messages = orders('order', 40, { short: 4, long: 2 });
      faults.arm(rules(aws));

      // Act
      await aws.broker.publisher.publish(TOPIC, messages);
      const received = await relayAndDrain(aws, TOPIC);

      // Assess
      expect(faults.injected).toBeGreaterThan(0);
      expectEveryMatchingMessageDelivered(received, messages);
      expect(redeliveries(received)).toEqual(NO_REDELIVERIES); // the failed entries alone were sent again
      expect(await logIds(aws.broker, TOPIC)).toEqual(expectedIds(messages).everything);
    }, 30_000);

    it('delivers every message when EventBridge refuses one entry more often than the relay retries it, so the stream hands its record over again', async () => {
      // Prepare: order-0's event fails 8 times; the relay tries an entry 6 times before failing its record
      const messages = orders('order', 40, { short: 4, long: 2 });
      faults.arm([{ target: 'EventBridge.PutEvents', kind: 'partial', entriesContaining: 'order-0', times: 8 }]);

      // Act
      await aws.broker.publisher.publish(TOPIC, messages);
      const received = await relayAndDrain(aws, TOPIC);

      // Assess
      expect(faults.injected).toBe(8);
      expectEveryMatchingMessageDelivered(received, messages);
      expect(redeliveries(received).everything).toBeGreaterThan(0); // the records after order-0's were relayed again
      expect(redeliveries(received).ledger).toBe(0); // their FIFO copies carry the same deduplication ids
    }, 30_000);
  });

  it('delivers every message when the relay crashes after fanning a batch out and before its checkpoint, so the stream hands the batch over again', async () => {
    // Prepare: Lambda's event source for a relay that does its work, then dies before answering, twice
    let crashes = 0;
    const crashingRelay: StreamHandler = async (records) => {
      const answer = await aws.local.services.relay(records);
      if (crashes < 2) {
        crashes += 1;
        throw new Error('relay crashed after fanning out, before its checkpoint');
      }
      return answer;
    };
    const runner = new LocalAwsRunner({
      clients: aws.local.clients,
      resources: aws.local.resources,
      clock: aws.clock,
      logger: pino({ level: 'silent' }),
      relayFilters: aws.local.relayFilters,
      handlers: { relay: crashingRelay, delayConsumer: aws.local.services.releaseDelayed, unpacker: aws.local.services.unpack, scheduleTarget: () => aws.local.services.fireSchedules() },
    });
    const messages = orders('order', 40, { short: 4, long: 2 });

    // Act
    await aws.broker.publisher.publish(TOPIC, messages);
    const received = await relayAndDrain(aws, TOPIC, runner);

    // Assess
    expect(crashes).toBe(2);
    expect(redeliveries(received).everything).toBeGreaterThan(0); // the crashed batches were fanned out again
    expect(redeliveries(received).ledger).toBe(0); // the FIFO copies sent again carry the same deduplication ids
    expectEveryMatchingMessageDelivered(received, messages);
  }, 30_000);

  it('appends each message once when a client retries, with the same ids, a publish that failed with 503 after part of it was appended', async () => {
    // Prepare: partition 1's append is throttled on all 5 attempts the SDK makes, so the publish fails after partition 0's
    const topic = await aws.broker.topics.require(TOPIC);
    const messages = orders('order', 20);
    faults.arm([{ target: 'DynamoDB.TransactWriteItems', kind: 'throttle', times: 5, inputContains: partitionKey(topic, 1) }]);

    // Act
    const failure = await aws.broker.publisher.publish(TOPIC, messages).catch((error: unknown) => error);
    const retried = await aws.broker.publisher.publish(TOPIC, messages);

    // Assess: partition 0 was appended by the failed attempt, partition 1 only by the retry
    expect(failure).toBeInstanceOf(UnavailableError);
    expect(faults.injected).toBe(5);
    const outcomes = new Set(retried.map((result) => `partition ${'partition' in result ? result.partition : '?'}: ${result.duplicate ? 'duplicate' : 'appended'}`));
    expect([...outcomes].sort()).toEqual(['partition 0: duplicate', 'partition 1: appended']);
    expect(await logIds(aws.broker, TOPIC)).toEqual(expectedIds(messages).everything);
    // Relayed only now: moto itself cancelled the retry's transaction for partition 0 (its dedup guards failed), and moto
    // leaves a cancelled transaction's writes in the stream for iterators taken before it, and later writes out of their sight.
    expectEveryMatchingMessageDelivered(await relayAndDrain(aws, TOPIC), messages);
  }, 30_000);

  describe('when a service quota is used up', () => {
    const quota = (target: string, name: string, status: number, inputContains?: string): FaultRule[] => [
      { target, kind: 'error', error: { name, status }, ...(inputContains === undefined ? {} : { inputContains }) },
    ];

    it('refuses a new subscription with QuotaExceeded naming the rules-per-bus quota, and stores and leaves behind nothing', async () => {
      // Prepare: EventBridge's rules-per-bus quota, as PutRule answers it
      faults.arm(quota('EventBridge.PutRule', 'LimitExceededException', 400));
      const queuesBefore = (await aws.local.clients.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];

      // Act
      const creating = aws.broker.subscriptions.create(TOPIC, 'one-too-many', subscriptionSettings());

      // Assess
      await expect(creating).rejects.toMatchObject({ code: ErrorCode.QuotaExceeded, quota: expect.stringContaining('EventBridge rules per event bus') });
      await expect(aws.broker.subscriptions.describe(TOPIC, 'one-too-many')).rejects.toMatchObject({ code: ErrorCode.SubscriptionNotFound });
      expect((await aws.local.clients.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).toEqual(queuesBefore);
    }, 30_000);

    it('refuses a publish with a long delay with QuotaExceeded naming the schedules quota', async () => {
      // Prepare
      faults.arm(quota('Scheduler.CreateSchedule', 'ServiceQuotaExceededException', 402));

      // Act
      const publishing = aws.broker.publisher.publish(TOPIC, orders('later', 1, { long: 1 }));

      // Assess
      await expect(publishing).rejects.toMatchObject({ code: ErrorCode.QuotaExceeded, quota: 'EventBridge Scheduler schedules per account and Region' });
      expect(faults.injected).toBe(1); // answered at once: the SDK does not retry it, nor does Conveyor
    }, 30_000);

    it('answers a pull with QuotaExceeded naming the in-flight limit when SQS answers OverLimit', async () => {
      // Prepare
      faults.arm(quota('SQS.ReceiveMessage', 'OverLimit', 403, '-s-')); // subscription queues only

      // Act
      const pulling = aws.broker.delivery.pull(TOPIC, 'everything', { max: 10, waitMs: 0 });

      // Assess
      await expect(pulling).rejects.toMatchObject({ code: ErrorCode.QuotaExceeded, quota: expect.stringContaining('in-flight messages of an SQS queue') });
    }, 30_000);
  });
});
