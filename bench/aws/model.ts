import { dollars, PRICES, type PriceTable } from './prices.js';
import { addUsage, emptyUsage, FUNCTION_ROLES, perMessage, usageOf, type Usage } from './usage.js';

export interface CostOptions {
  /**
   * Whether the SQS sends that a service makes for you (EventBridge rule
   * targets, SNS subscriptions, Scheduler targets) are billed as SQS requests.
   * The pricing pages say these deliveries carry no EventBridge or SNS charge;
   * whether SQS bills the send to the queue owner could not be checked from
   * this machine, so the default counts them (the dearer reading). Every
   * option compared here makes exactly one such send per message and
   * subscription, so the choice moves all three alike.
   * @default true
   */
  readonly billServiceSqsSends?: boolean;
  /**
   * Which measured duration Lambda is billed for: the handler's wall time in
   * this process (against the emulator, slower than AWS: an upper bound) or its
   * CPU time here (no wait for AWS at all: a lower bound).
   * @default 'wall'
   */
  readonly lambdaDuration?: 'wall' | 'cpu';
}

/** Dollars per line item. */
export interface CostBreakdown {
  readonly apiGateway: number;
  readonly lambdaRequests: number;
  readonly lambdaDuration: number;
  readonly dynamoWrites: number;
  readonly dynamoReads: number;
  readonly eventBridge: number;
  readonly sqs: number;
  readonly sns: number;
  readonly scheduler: number;
  readonly total: number;
}

/** What `usage` costs at `prices`. */
export function costOf(usage: Usage, options: CostOptions = {}, prices: PriceTable = PRICES): CostBreakdown {
  const invocations = FUNCTION_ROLES.reduce((sum, role) => sum + usage.lambda[role].invocations, 0);
  const gbSeconds = FUNCTION_ROLES.reduce((sum, role) => sum + (options.lambdaDuration === 'cpu' ? usage.lambda[role].cpuGbSeconds : usage.lambda[role].gbSeconds), 0);
  const serviceSends = (options.billServiceSqsSends ?? true) ? usage.serviceSqsSends : 0;
  const items = {
    apiGateway: dollars(prices.apiGatewayHttpRequest, usage.apiGatewayRequests),
    lambdaRequests: dollars(prices.lambdaRequest, invocations),
    lambdaDuration: dollars(prices.lambdaArmGbSecond, gbSeconds),
    dynamoWrites: dollars(prices.dynamoWriteRequestUnit, usage.dynamoWriteUnits),
    dynamoReads: dollars(prices.dynamoReadRequestUnit, usage.dynamoReadUnits),
    eventBridge: dollars(prices.eventBridgeCustomEvent, usage.eventBridgeEvents),
    sqs: dollars(prices.sqsStandardRequest, usage.sqsRequests + serviceSends) + dollars(prices.sqsFifoRequest, usage.sqsFifoRequests),
    sns: dollars(prices.snsStandardPublish, usage.snsRequests),
    scheduler: dollars(prices.schedulerInvocation, usage.schedulerInvocations),
  };
  return { ...items, total: Object.values(items).reduce((sum, value) => sum + value, 0) };
}

/** `breakdown` scaled to a million messages, when it is the cost of one. */
export function perMillion(breakdown: CostBreakdown): CostBreakdown {
  return Object.fromEntries(Object.entries(breakdown).map(([item, value]) => [item, value * 1_000_000])) as unknown as CostBreakdown;
}

/** Per-message usage of the three stages of a message's life on Conveyor. */
export interface ConveyorStages {
  /** The publish API call(s), per message. */
  readonly publish: Usage;
  /** Relay and delivery into every subscription's queue, per message. */
  readonly fanOut: Usage;
  /** Pull and ack of one message by one subscription's consumer. */
  readonly consume: Usage;
}

/** One message published and consumed by each of `subscriptions` subscriptions. */
export function conveyorMessage(stages: ConveyorStages, subscriptions: number): Usage {
  return addUsage(addUsage(stages.publish, stages.fanOut), stages.consume, subscriptions);
}

/** SQS's batch limit: ReceiveMessage, SendMessageBatch and DeleteMessageBatch take at most 10 messages. */
const SQS_BATCH = 10;
/** PublishBatch (SNS) and PutEvents (EventBridge) take at most 10 entries. A 1 KiB message with its envelope stays far below 64 KB even ten at a time: one chunk per request. */
const PUBLISH_BATCH = 10;

/**
 * A consumer reading one SQS queue directly: ReceiveMessage of up to 10 and
 * DeleteMessageBatch of what it received, per message.
 */
export function directSqsConsumer(pullBatch: number): Usage {
  const perCall = Math.min(pullBatch, SQS_BATCH);
  return usageOf({ sqsRequests: 2 / perCall });
}

/**
 * Hand-built SNS → SQS fan-out, per message: the producer calls PublishBatch
 * (10 entries, one 64 KB chunk for 1 KiB messages), SNS delivers one copy per
 * subscribed queue (no SNS charge for SQS deliveries), each consumer receives
 * and deletes in batches of 10.
 */
export function snsToSqs(subscriptions: number, publishBatch: number, pullBatch: number): Usage {
  return snsToSqsConsumedBy(subscriptions, publishBatch, directSqsConsumer(pullBatch));
}

/** Hand-built SNS → SQS as above, with `consumer` (per message and subscription) receiving from each queue: a Lambda function's event source mapping, say. */
export function snsToSqsConsumedBy(subscriptions: number, publishBatch: number, consumer: Usage): Usage {
  const publish = usageOf({ snsRequests: 1 / Math.min(publishBatch, PUBLISH_BATCH), serviceSqsSends: subscriptions });
  return addUsage(publish, consumer, subscriptions);
}

/**
 * Hand-built EventBridge → SQS, per message: PutEvents (10 entries a call, but
 * billed per entry), one rule per subscription targeting its queue (rules and
 * deliveries carry no EventBridge charge), consumers as above.
 */
export function eventBridgeToSqs(subscriptions: number, _publishBatch: number, pullBatch: number): Usage {
  return eventBridgeToSqsConsumedBy(subscriptions, directSqsConsumer(pullBatch));
}

/** Hand-built EventBridge → SQS as above, with `consumer` (per message and subscription) receiving from each queue. */
export function eventBridgeToSqsConsumedBy(subscriptions: number, consumer: Usage): Usage {
  const publish = usageOf({ eventBridgeEvents: 1, serviceSqsSends: subscriptions });
  return addUsage(publish, consumer, subscriptions);
}

export { emptyUsage, perMessage };
