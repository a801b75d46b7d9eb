/** The Lambda functions of ConveyorStack. */
export const STACK_FUNCTION_ROLES = ['api', 'relay', 'unpacker', 'delayConsumer', 'scheduleTarget'] as const;
/**
 * Every Lambda function the model bills: the stack's, and `consumer`, a user's
 * function that consumes a subscription through an SQS event source mapping
 * (`addLambdaConsumer`). `runner` (BillingMeter) stands for what Lambda or
 * Scheduler do themselves (event source polling, firing).
 */
export const FUNCTION_ROLES = [...STACK_FUNCTION_ROLES, 'consumer'] as const;
export type FunctionRole = (typeof FUNCTION_ROLES)[number];

export interface LambdaUsage {
  readonly invocations: number;
  /** Billed duration: each invocation's handler time rounded up to the millisecond, times the function's memory. */
  readonly gbSeconds: number;
  /** Handler time measured in this process, summed (a proxy: see docs/cost.md). */
  readonly ms: number;
  /** The same GB-seconds with each invocation's CPU time in this process instead of its wall time: a lower bound, without any wait for AWS. */
  readonly cpuGbSeconds: number;
}

/** Billable units, in the units of the price table, for some number of messages. */
export interface Usage {
  readonly apiGatewayRequests: number;
  readonly lambda: Readonly<Record<FunctionRole, LambdaUsage>>;
  readonly dynamoWriteUnits: number;
  readonly dynamoReadUnits: number;
  readonly eventBridgeEvents: number;
  /** Standard-queue requests, each 64 KB chunk counted. */
  readonly sqsRequests: number;
  readonly sqsFifoRequests: number;
  readonly snsRequests: number;
  readonly schedulerInvocations: number;
  /** SQS sends a service makes for you: EventBridge rule targets, SNS subscriptions, Scheduler targets. */
  readonly serviceSqsSends: number;
}

const noLambda: LambdaUsage = { invocations: 0, gbSeconds: 0, ms: 0, cpuGbSeconds: 0 };

export function emptyUsage(): Usage {
  return {
    apiGatewayRequests: 0,
    lambda: { api: noLambda, relay: noLambda, unpacker: noLambda, delayConsumer: noLambda, scheduleTarget: noLambda, consumer: noLambda },
    dynamoWriteUnits: 0,
    dynamoReadUnits: 0,
    eventBridgeEvents: 0,
    sqsRequests: 0,
    sqsFifoRequests: 0,
    snsRequests: 0,
    schedulerInvocations: 0,
    serviceSqsSends: 0,
  };
}

type Numeric = Exclude<keyof Usage, 'lambda'>;
const NUMERIC: readonly Numeric[] = [
  'apiGatewayRequests',
  'dynamoWriteUnits',
  'dynamoReadUnits',
  'eventBridgeEvents',
  'sqsRequests',
  'sqsFifoRequests',
  'snsRequests',
  'schedulerInvocations',
  'serviceSqsSends',
];

/** `a + factor × b`, field by field. */
export function addUsage(a: Usage, b: Usage, factor = 1): Usage {
  const lambda = Object.fromEntries(
    FUNCTION_ROLES.map((role) => [
      role,
      {
        invocations: a.lambda[role].invocations + factor * b.lambda[role].invocations,
        gbSeconds: a.lambda[role].gbSeconds + factor * b.lambda[role].gbSeconds,
        ms: a.lambda[role].ms + factor * b.lambda[role].ms,
        cpuGbSeconds: a.lambda[role].cpuGbSeconds + factor * b.lambda[role].cpuGbSeconds,
      },
    ]),
  ) as Record<FunctionRole, LambdaUsage>;
  const numeric = Object.fromEntries(NUMERIC.map((field) => [field, a[field] + factor * b[field]])) as Record<Numeric, number>;
  return { ...numeric, lambda };
}

/** The usage of one message: `usage` divided by `messages`. */
export function perMessage(usage: Usage, messages: number): Usage {
  return addUsage(emptyUsage(), usage, 1 / messages);
}

/** Usage with only the given numeric fields set. */
export function usageOf(fields: Partial<Omit<Usage, 'lambda'>> & { lambda?: Partial<Record<FunctionRole, LambdaUsage>> }): Usage {
  const empty = emptyUsage();
  return { ...empty, ...fields, lambda: { ...empty.lambda, ...fields.lambda } };
}
