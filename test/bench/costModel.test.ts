import { marshall } from '@aws-sdk/util-dynamodb';
import { BillingMeter } from '../../bench/aws/BillingMeter.js';
import { conveyorMessage, costOf, eventBridgeToSqs, perMillion, snsToSqs } from '../../bench/aws/model.js';
import { PRICES } from '../../bench/aws/prices.js';
import { chunks64k, itemBytes, readUnits, writeUnits } from '../../bench/aws/sizes.js';
import { usageOf } from '../../bench/aws/usage.js';

/** Runs one request through the meter's middleware as the SDK would, with a canned output. */
async function meterRequest(meter: BillingMeter, service: string, command: string, input: unknown, output: unknown = {}): Promise<void> {
  let middleware: ((next: (args: unknown) => Promise<unknown>, context: { commandName: string }) => (args: unknown) => Promise<unknown>) | undefined;
  meter.apply({ add: (added: typeof middleware) => (middleware = added) } as never, service);
  await middleware!(async () => ({ output }), { commandName: `${command}Command` })({ input });
}

const MEMORY = { api: 512, relay: 512, delayConsumer: 256, scheduleTarget: 256 };

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
});
