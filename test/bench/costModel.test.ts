import { deflateRawSync } from 'node:zlib';
import { marshall } from '@aws-sdk/util-dynamodb';
import { BODY_KINDS, kibibyteBody, type BodyKind } from '../../bench/aws/bodies.js';
import { BillingMeter } from '../../bench/aws/BillingMeter.js';
import { consumerCostRows, idleMonthlyCost } from '../../bench/aws/consumerReport.js';
import { awsGoal, renderAwsGoal } from '../../bench/aws/goal.js';
import { conveyorMessage, costOf, eventBridgeToSqs, eventBridgeToSqsConsumedBy, perMillion, snsToSqs, snsToSqsConsumedBy } from '../../bench/aws/model.js';
import { PRICES } from '../../bench/aws/prices.js';
import { chunks64k, itemBytes, readUnits, writeUnits } from '../../bench/aws/sizes.js';
import type { AwsMeasurements } from '../../bench/aws/measurements.js';
import type { Measurement } from '../../bench/aws/scenarios.js';
import { usageOf, type Usage } from '../../bench/aws/usage.js';

/** Runs one request through the meter's middleware as the SDK would, with a canned output. */
async function meterRequest(meter: BillingMeter, service: string, command: string, input: unknown, output: unknown = {}): Promise<void> {
  let middleware: ((next: (args: unknown) => Promise<unknown>, context: { commandName: string }) => (args: unknown) => Promise<unknown>) | undefined;
  meter.apply({ add: (added: typeof middleware) => (middleware = added) } as never, service);
  await middleware!(async () => ({ output }), { commandName: `${command}Command` })({ input });
}

const MEMORY = { api: 512, relay: 512, unpacker: 256, delayConsumer: 256, scheduleTarget: 256, consumer: 128 };

describe('AWS cost model arithmetic', () => {
  describe('billing sizes', () => {
    it('sizes an item as its attribute names plus values, numbers at one byte per two digits plus one', () => {
      expect(itemBytes(marshall({ p: 'ab', o: 12345, ok: true }))).toBe(1 + 2 + 1 + 4 + 2 + 1);
    });

    it('takes one write unit per KB started, two for a transactional write', () => {
      expect(writeUnits(1024, false)).toBe(1);
      expect(writeUnits(1025, false)).toBe(2);
      expect(writeUnits(1160, true)).toBe(4);
      expect(writeUnits(0, true)).toBe(2);
    });

    it('takes one read unit per 4 KB strongly consistent, half eventually consistent, twice transactional', () => {
      expect(readUnits(100, 'strong')).toBe(1);
      expect(readUnits(4097, 'eventual')).toBe(1);
      expect(readUnits(4096, 'transactional')).toBe(2);
    });

    it('bills SQS, SNS and EventBridge payloads per 64 KB chunk, at least one', () => {
      expect([chunks64k(0), chunks64k(65_536), chunks64k(65_537)]).toEqual([1, 1, 2]);
    });
  });

  describe('BillingMeter', () => {
    it('bills a transaction of a 2 KB put, a condition check and an update as 4 + 2 + 2 write units, to the function that sent it', async () => {
      const meter = new BillingMeter(MEMORY);
      const put = { Put: { TableName: 'log', Item: marshall({ p: 'x', b: 'y'.repeat(1500) }) } };
      await meter.invoke('api', () => meterRequest(meter, 'DynamoDB', 'TransactWriteItems', { TransactItems: [put, { ConditionCheck: {} }, { Update: {} }] }));

      const { usage, requests } = meter.take();
      expect(usage.dynamoWriteUnits).toBe(8);
      expect(usage.lambda.api.invocations).toBe(1);
      expect(requests).toEqual({ 'api:DynamoDB.TransactWriteItems': 1 });
    });

    it('bills the delay queue event source\'s receives that found messages, and not its empty polls', async () => {
      const meter = new BillingMeter(MEMORY);
      await meterRequest(meter, 'SQS', 'ReceiveMessage', { QueueUrl: 'https://sqs/delay' }, { Messages: [{ Body: 'x'.repeat(1000) }] });
      await meterRequest(meter, 'SQS', 'ReceiveMessage', { QueueUrl: 'https://sqs/delay' }, { Messages: [] });
      await meterRequest(meter, 'DynamoDBStreams', 'GetRecords', {});

      const { usage, requests } = meter.take();
      expect(usage.sqsRequests).toBe(1);
      expect(requests).toEqual({ 'runner:DynamoDBStreams.GetRecords (free)': 1, 'runner:SQS.ReceiveMessage': 1, 'runner:SQS.ReceiveMessage (idlePoll)': 1 });
    });

    it('bills PutEvents per entry and SendMessageBatch per request, FIFO queues at their own price', async () => {
      const meter = new BillingMeter(MEMORY);
      const entries = Array.from({ length: 10 }, () => ({ Source: 'conveyor', DetailType: 'message', Detail: 'x'.repeat(1024) }));
      await meter.invoke('relay', async () => {
        await meterRequest(meter, 'EventBridge', 'PutEvents', { Entries: entries });
        await meterRequest(meter, 'SQS', 'SendMessageBatch', { QueueUrl: 'https://sqs/q.fifo', Entries: entries.map((entry) => ({ MessageBody: entry.Detail })) });
      });

      const { usage } = meter.take();
      expect(usage).toMatchObject({ eventBridgeEvents: 10, sqsFifoRequests: 1, sqsRequests: 0 });
    });
  });

  describe('dollars', () => {
    it('prices each unit from the price table', () => {
      const usage = usageOf({
        apiGatewayRequests: 1,
        dynamoWriteUnits: 4,
        dynamoReadUnits: 2,
        eventBridgeEvents: 1,
        sqsRequests: 0.5,
        serviceSqsSends: 3,
        lambda: { api: { invocations: 1, gbSeconds: 0.01, ms: 20, cpuGbSeconds: 0.001 } },
      });

      const cost = perMillion(costOf(usage));

      expect(cost.apiGateway).toBeCloseTo(PRICES.apiGatewayHttpRequest.usd, 9);
      expect(cost.dynamoWrites).toBeCloseTo(4 * 0.625, 9);
      expect(cost.dynamoReads).toBeCloseTo(2 * 0.125, 9);
      expect(cost.sqs).toBeCloseTo(3.5 * 0.4, 9);
      expect(cost.lambdaRequests).toBeCloseTo(0.2, 9);
      expect(cost.lambdaDuration).toBeCloseTo(0.01 * 0.0000133334 * 1_000_000, 9);
      expect(cost.total).toBeCloseTo(1 + 2.5 + 0.25 + 1 + 1.4 + 0.2 + 0.133334, 6);
      expect(perMillion(costOf(usage, { lambdaDuration: 'cpu' })).lambdaDuration).toBeCloseTo(0.001 * 0.0000133334 * 1_000_000, 9);
    });

    it('leaves out the sends a service makes for you when told they are not billed', () => {
      expect(perMillion(costOf(usageOf({ serviceSqsSends: 3 }), { billServiceSqsSends: false })).total).toBe(0);
    });

    it('prices hand-built SNS→SQS at N = 3: one PublishBatch per 10, three free deliveries, receive and delete per 10 in each queue', () => {
      // 0.1 SNS requests + 3 sends + 3 × 0.2 consumer requests
      expect(perMillion(costOf(snsToSqs(3, 10, 10))).total).toBeCloseTo(0.1 * 0.5 + 3 * 0.4 + 0.6 * 0.4, 9);
      expect(perMillion(costOf(snsToSqs(3, 10, 10), { billServiceSqsSends: false })).total).toBeCloseTo(0.05 + 0.24, 9);
    });

    it('prices hand-built EventBridge→SQS per entry whatever the batch', () => {
      expect(perMillion(costOf(eventBridgeToSqs(1, 1, 1))).total).toBeCloseTo(1 + 0.4 + 2 * 0.4, 9);
      expect(perMillion(costOf(eventBridgeToSqs(1, 10, 10))).total).toBeCloseTo(1 + 0.4 + 0.2 * 0.4, 9);
    });

    it('adds Conveyor\'s consumer side once per subscription', () => {
      const stages = { publish: usageOf({ dynamoWriteUnits: 4 }), fanOut: usageOf({ eventBridgeEvents: 1, serviceSqsSends: 3 }), consume: usageOf({ apiGatewayRequests: 0.2, sqsRequests: 0.2 }) };

      expect(conveyorMessage(stages, 3)).toMatchObject({ dynamoWriteUnits: 4, eventBridgeEvents: 1, serviceSqsSends: 3, apiGatewayRequests: expect.closeTo(0.6, 9), sqsRequests: expect.closeTo(0.6, 9) });
    });
  });

  describe('consumers through an SQS event source mapping', () => {
    /** A measured phase of `messages` messages that used `usage` in all. */
    const phase = (usage: Usage, messages = 10): Measurement => ({ messages, usage, requests: {}, httpCalls: 0 });
    const lambda = (invocations: number, gbSeconds: number): Usage['lambda'] => ({ ...usageOf({}).lambda, consumer: { invocations, gbSeconds, ms: 0, cpuGbSeconds: gbSeconds } });

    it('bills the consumer function at its own memory, and the mapping\'s receive and delete as SQS requests', async () => {
      // Prepare
      const meter = new BillingMeter(MEMORY);

      // Act
      await meterRequest(meter, 'SQS', 'ReceiveMessage', { QueueUrl: 'https://sqs/s' }, { Messages: Array.from({ length: 10 }, () => ({ Body: 'x'.repeat(1000) })) });
      await meter.invoke('consumer', async () => undefined);
      await meterRequest(meter, 'SQS', 'DeleteMessageBatch', { QueueUrl: 'https://sqs/s' });

      // Assess
      const { usage, requests } = meter.take();
      expect(usage.sqsRequests).toBe(2);
      expect(usage.lambda.consumer.invocations).toBe(1);
      expect(usage.lambda.consumer.gbSeconds).toBeCloseTo((Math.ceil(usage.lambda.consumer.ms) / 1000) * (128 / 1024), 12);
      expect(requests).toEqual({ 'runner:SQS.DeleteMessageBatch': 1, 'runner:SQS.ReceiveMessage': 1 });
    });

    it('gives the hand-built options the same consumer: one publish, a send per subscription, the consumer three times', () => {
      // Prepare
      const consumer = usageOf({ sqsRequests: 0.2, lambda: lambda(0.1, 0.0001) });

      // Act
      const sns = perMillion(costOf(snsToSqsConsumedBy(3, 10, consumer)));
      const eventBridge = perMillion(costOf(eventBridgeToSqsConsumedBy(3, consumer)));

      // Assess: 0.1 SNS requests (or 1 event), 3 sends, 3 × (0.2 SQS requests + 0.1 invocations + 0.0001 GB-s)
      const perConsumer = 0.2 * 0.4 + 0.1 * 0.2 + 0.0001 * 0.0000133334 * 1_000_000;
      expect(sns.total).toBeCloseTo(0.1 * 0.5 + 3 * 0.4 + 3 * perConsumer, 9);
      expect(eventBridge.total).toBeCloseTo(1 + 3 * 0.4 + 3 * perConsumer, 9);
    });

    it('prices Conveyor at N = 3 as publish and fan-out once, and each path\'s consumer side three times', () => {
      // Prepare
      const publish = phase(usageOf({ dynamoWriteUnits: 56 }));
      const fanOut = phase(usageOf({ eventBridgeEvents: 10, serviceSqsSends: 30 }));
      const measurements: AwsMeasurements = {
        messagesPerRun: 10,
        memoryMb: MEMORY,
        fanOut: [{ subscriptions: 3, batch: 10, publish, fanOut }],
        pullAck: [phase(usageOf({ apiGatewayRequests: 2, sqsRequests: 2 }))],
        pullBatches: [10],
        delayed: [],
        lambdaConsumers: [{ batchSize: 10, consume: phase(usageOf({ sqsRequests: 2, lambda: lambda(1, 0.001) })) }],
        compression: [],
      };

      // Act
      const rows = consumerCostRows(measurements);

      // Assess
      const delivered = 5.6 * 0.625 + 1 + 3 * 0.4;
      const esm = 0.2 * 0.4 + 0.1 * 0.2 + 0.0001 * 0.0000133334 * 1_000_000;
      expect(rows.map((row) => row.path)).toEqual(['pull through the API, max 10', 'Lambda through an event source mapping, batch 10']);
      expect(rows[0]!.conveyor.total).toBeCloseTo(delivered + 3 * (0.2 * 1 + 0.2 * 0.4), 9);
      expect(rows[0]!.snsToSqs.total).toBeCloseTo(0.05 + 3 * 0.4 + 3 * 0.2 * 0.4, 9);
      expect(rows[1]!.conveyor.total).toBeCloseTo(delivered + 3 * esm, 9);
      expect(rows[1]!.consumerSide.total).toBeCloseTo(esm, 9);
      expect(rows[1]!.snsToSqs.total).toBeCloseTo(0.05 + 3 * 0.4 + 3 * esm, 9);
    });

    it('judges the AWS goal on the cheapest N = 3 configuration against SNS→SQS with the same consumers', () => {
      // Prepare: the publish and fan-out of the spec above, then a cheaper fan-out
      const consumers = { pullAck: [phase(usageOf({ apiGatewayRequests: 2, sqsRequests: 2 }))], pullBatches: [10], delayed: [], lambdaConsumers: [{ batchSize: 10, consume: phase(usageOf({ sqsRequests: 2, lambda: lambda(1, 0.001) })) }], compression: [] };
      const dear: AwsMeasurements = { messagesPerRun: 10, memoryMb: MEMORY, fanOut: [{ subscriptions: 3, batch: 10, publish: phase(usageOf({ dynamoWriteUnits: 56 })), fanOut: phase(usageOf({ eventBridgeEvents: 10, serviceSqsSends: 30 })) }], ...consumers };
      const cheap: AwsMeasurements = { ...dear, fanOut: [{ subscriptions: 3, batch: 10, publish: phase(usageOf({ dynamoWriteUnits: 1 })), fanOut: phase(usageOf({ serviceSqsSends: 3 })) }] };

      // Act
      const [dearGoal, cheapGoal] = [awsGoal(dear), awsGoal(cheap)];

      // Assess: pulling and the Lambda mapping at N = 3 are both judged; 3 sends per 10 messages beat SNS→SQS's 3 per message
      expect(dearGoal.rows.map((row) => row.label)).toEqual(['publish 10, pulling 10 at a time', 'publish 10, Lambda through an event source mapping, batch 10']);
      expect(dearGoal.met).toBe(false);
      expect(cheapGoal.met).toBe(true);
      expect(renderAwsGoal(dear)).toContain('NOT MET: the cheapest N = 3 configuration (publish 10, Lambda through an event source mapping, batch 10)');
      expect(renderAwsGoal(cheap)).toMatch(/^### Goal[^\n]*\n\nMET: /);
    });

    it('prices a month of waiting: a long-polling consumer holds the API function 20 s per empty pull, a mapping pays only empty receives', () => {
      // Act
      const idle = idleMonthlyCost(512);

      // Assess: 129,600 empty long polls of 20 s in 30 days
      expect(idle.pullingConsumer).toBeCloseTo(129_600 * (1 + 0.2 + 0.4) / 1_000_000 + 129_600 * 20 * 0.5 * 0.0000133334, 6);
      expect(idle.eventSourceMapping).toBeCloseTo(5 * 129_600 * 0.4 / 1_000_000, 9);
    });
  });

  describe('message bodies', () => {
    it.each(BODY_KINDS.map((kind) => ({ kind })))('makes every $kind body 1 KiB of JSON, the same on every run', ({ kind }) => {
      // Act
      const sizes = [0, 1, 57, 999].map((index) => Buffer.byteLength(JSON.stringify(kibibyteBody(index, kind))));

      // Assess
      expect(sizes).toEqual([1024, 1024, 1024, 1024]);
      expect(kibibyteBody(57, kind)).toEqual(kibibyteBody(57, kind));
      expect(kibibyteBody(57, kind)).not.toEqual(kibibyteBody(58, kind));
    });

    it('makes order events that deflate as JSON events do, neither like repeated letters nor like random bytes', () => {
      // Prepare: 25 messages, as a publish of 100 puts them in each of 4 partitions
      const ratio = (kind: BodyKind): number => {
        const text = JSON.stringify(Array.from({ length: 25 }, (_, index) => kibibyteBody(index, kind)));
        return text.length / deflateRawSync(text).byteLength;
      };

      // Act
      const [order, random, padding] = [ratio('order-event'), ratio('random'), ratio('padding')];

      // Assess
      expect(order).toBeGreaterThan(2);
      expect(order).toBeLessThan(6);
      expect(random).toBeLessThan(1.5);
      expect(padding).toBeGreaterThan(50);
    });
  });
});
