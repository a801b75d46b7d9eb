/**
 * Every price the AWS cost model uses, and nothing else: the model reads prices
 * only from here. Region us-east-1 (N. Virginia), public on-demand list prices,
 * first pricing tier, no free tier, no savings plans.
 *
 * Provenance: taken from the AWS pricing pages named in `source`, as they were
 * listed as of 2025 (the DynamoDB on-demand prices are those in force since the
 * reduction of 1 November 2024). They were NOT re-checked from the machine that
 * produced the results: it has no internet access. Re-check them against the
 * pages before quoting a figure to anyone.
 */
export interface Price {
  /** Dollars per `per` units of `unit`. */
  readonly usd: number;
  readonly per: number;
  readonly unit: string;
  readonly source: string;
  /** When the price was taken, and how. */
  readonly asOf: string;
}

const AS_OF = '2025 list price (us-east-1), as published on the AWS pricing page; not re-checked from this machine, which has no internet access';

export const PRICES = {
  apiGatewayHttpRequest: {
    usd: 1.0,
    per: 1_000_000,
    unit: 'HTTP API request (first 300 million/month; each 512 KB of a request or response counts as one request)',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    asOf: AS_OF,
  },
  lambdaRequest: {
    usd: 0.2,
    per: 1_000_000,
    unit: 'Lambda invocation',
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: AS_OF,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 1,
    unit: 'GB-second of an arm64 function (first 7.5 billion GB-s/month), billed per 1 ms',
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: AS_OF,
  },
  dynamoWriteRequestUnit: {
    usd: 0.625,
    per: 1_000_000,
    unit: 'on-demand write request unit (1 KB; transactional writes take 2), Standard table class',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: `${AS_OF}; in force since the on-demand price reduction of 2024-11-01`,
  },
  dynamoReadRequestUnit: {
    usd: 0.125,
    per: 1_000_000,
    unit: 'on-demand read request unit (4 KB strongly consistent, or 2 eventually consistent; transactional reads take 2), Standard table class',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: `${AS_OF}; in force since the on-demand price reduction of 2024-11-01`,
  },
  dynamoStreamReadRequest: {
    usd: 0.2,
    per: 1_000_000,
    unit: 'DynamoDB Streams GetRecords read request unit; free when Lambda reads the stream through a trigger (the relay does)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: AS_OF,
  },
  eventBridgeCustomEvent: {
    usd: 1.0,
    per: 1_000_000,
    unit: 'custom event published with PutEvents (each 64 KB chunk of an entry is one event); rules and deliveries to targets carry no EventBridge charge',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    asOf: AS_OF,
  },
  sqsStandardRequest: {
    usd: 0.4,
    per: 1_000_000,
    unit: 'SQS standard queue request (first 100 billion/month; each 64 KB chunk of a request\'s payload is one request)',
    source: 'https://aws.amazon.com/sqs/pricing/',
    asOf: AS_OF,
  },
  sqsFifoRequest: {
    usd: 0.5,
    per: 1_000_000,
    unit: 'SQS FIFO queue request (each 64 KB chunk is one request)',
    source: 'https://aws.amazon.com/sqs/pricing/',
    asOf: AS_OF,
  },
  snsStandardPublish: {
    usd: 0.5,
    per: 1_000_000,
    unit: 'SNS standard topic publish request (each 64 KB chunk of a Publish or of a PublishBatch\'s aggregate payload is one request); deliveries to SQS queues carry no SNS charge',
    source: 'https://aws.amazon.com/sns/pricing/',
    asOf: AS_OF,
  },
  schedulerInvocation: {
    usd: 1.0,
    per: 1_000_000,
    unit: 'EventBridge Scheduler invocation (after 14 million free per month; API calls such as CreateSchedule carry no charge)',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    asOf: AS_OF,
  },
} as const satisfies Record<string, Price>;

export type PriceTable = { readonly [K in keyof typeof PRICES]: Price };

/** Dollars for `units` of a price. */
export function dollars(price: Price, units: number): number {
  return (units * price.usd) / price.per;
}
