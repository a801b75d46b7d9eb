import type { LambdaConsumerMeasurement } from './lambdaConsumer.js';
import { costOf, directSqsConsumer, eventBridgeToSqsConsumedBy, perMillion, snsToSqsConsumedBy, type CostBreakdown } from './model.js';
import { dollars, PRICES } from './prices.js';
import type { AwsMeasurements } from './measurements.js';
import { addUsage, perMessage, type Usage } from './usage.js';

/** The subscription count and publish batch the consumer comparison is made at: the setting docs/cost.md leads with. */
export const CONSUMER_SUBSCRIPTIONS = 3;
export const CONSUMER_PUBLISH_BATCH = 10;

/** How the consumers of every subscription receive their copies. */
export interface ConsumerPath {
  readonly label: string;
  /** Conveyor's consumer side, per message and subscription. */
  readonly conveyor: Usage;
  /** The same kind of consumer on a hand-built queue: a program calling SQS, or the same Lambda function and mapping. */
  readonly handBuilt: Usage;
}

/** The measured consumer paths: pulls through Conveyor's API at each pull batch, and Lambda functions through event source mappings at each batch size. */
export function consumerPaths(measurements: AwsMeasurements): ConsumerPath[] {
  const pulls = measurements.pullAck
    .map((measurement, index) => ({ measurement, max: measurements.pullBatches[index]! }))
    .filter(({ max }) => max > 1)
    .map(({ measurement, max }) => ({
      label: `pull through the API, max ${max}`,
      conveyor: perMessage(measurement.usage, measurement.messages),
      handBuilt: directSqsConsumer(max),
    }));
  const lambdas = measurements.lambdaConsumers.map((entry: LambdaConsumerMeasurement) => {
    const usage = perMessage(entry.consume.usage, entry.consume.messages);
    return { label: `Lambda through an event source mapping, batch ${entry.batchSize}`, conveyor: usage, handBuilt: usage };
  });
  return [...pulls, ...lambdas];
}

export interface ConsumerCostRow {
  readonly path: string;
  readonly publishBatch: number;
  readonly conveyor: CostBreakdown;
  readonly conveyorCpu: CostBreakdown;
  readonly snsToSqs: CostBreakdown;
  readonly eventBridgeToSqs: CostBreakdown;
  /** Conveyor's consumer side alone, per message and subscription. */
  readonly consumerSide: CostBreakdown;
}

/** Dollars per million messages at N = CONSUMER_SUBSCRIPTIONS and publish batch CONSUMER_PUBLISH_BATCH, for each consumer path. */
export function consumerCostRows(measurements: AwsMeasurements): ConsumerCostRow[] {
  const n = CONSUMER_SUBSCRIPTIONS;
  const rows: ConsumerCostRow[] = [];
  for (const run of measurements.fanOut.filter((entry) => entry.subscriptions === n && entry.batch === CONSUMER_PUBLISH_BATCH)) {
    const delivered = addUsage(perMessage(run.publish.usage, run.publish.messages), perMessage(run.fanOut.usage, run.fanOut.messages));
    for (const path of consumerPaths(measurements)) {
      const conveyor = addUsage(delivered, path.conveyor, n);
      rows.push({
        path: path.label,
        publishBatch: run.batch,
        conveyor: perMillion(costOf(conveyor)),
        conveyorCpu: perMillion(costOf(conveyor, { lambdaDuration: 'cpu' })),
        snsToSqs: perMillion(costOf(snsToSqsConsumedBy(n, run.batch, path.handBuilt))),
        eventBridgeToSqs: perMillion(costOf(eventBridgeToSqsConsumedBy(n, path.handBuilt))),
        consumerSide: perMillion(costOf(path.conveyor)),
      });
    }
  }
  return rows;
}

/** Seconds in a 30-day month, and the longest long poll SQS (and a pull) waits. */
const MONTH_SECONDS = 30 * 86_400;
const LONG_POLL_SECONDS = 20;
/**
 * Pollers an idle SQS event source mapping keeps long-polling. AWS describes
 * Lambda as starting with five concurrent batches on an SQS queue; the idle
 * count is not a documented price figure, so this is an assumption.
 */
export const IDLE_MAPPING_POLLERS = 5;

/**
 * What waiting costs per subscription and month when no message comes, from
 * the price table (not measured): a consumer long-polling Conveyor's API
 * (`waitSeconds: 20`) pays, for every empty pull, an API Gateway request, an
 * invocation of the API function that waits the 20 s in ReceiveMessage, and
 * that receive; an event source mapping pays only its pollers' empty receives.
 */
export function idleMonthlyCost(apiMemoryMb: number): { pullingConsumer: number; eventSourceMapping: number } {
  const polls = MONTH_SECONDS / LONG_POLL_SECONDS;
  const pullingConsumer =
    dollars(PRICES.apiGatewayHttpRequest, polls) +
    dollars(PRICES.lambdaRequest, polls) +
    dollars(PRICES.lambdaArmGbSecond, polls * LONG_POLL_SECONDS * (apiMemoryMb / 1024)) +
    dollars(PRICES.sqsStandardRequest, polls);
  return { pullingConsumer, eventSourceMapping: dollars(PRICES.sqsStandardRequest, polls * IDLE_MAPPING_POLLERS) };
}
