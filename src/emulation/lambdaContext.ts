import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** A Lambda handler for SQS events, as users write them (`consume(...)` from conveyor/lambda). */
export type SqsLambdaHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void | null> | SQSBatchResponse | void | null;

export interface LocalContextOptions {
  readonly functionName: string;
  /** When the invocation must be done (epoch ms): `getRemainingTimeInMillis` counts down to it. */
  readonly deadline: number;
  /** @default 'us-east-1' */
  readonly region?: string;
}

/**
 * A Lambda context for a handler invoked in this process (the emulated event
 * source mappings, `conveyor consume`): a fresh request id per invocation and a
 * remaining time counting down to `deadline`, as Powertools' logger and
 * idempotency utilities read them.
 *
 * @example
 * await handler(event, localLambdaContext({ functionName: 'billing', deadline: Date.now() + 30_000 }));
 */
export function localLambdaContext(options: LocalContextOptions): Context {
  const region = options.region ?? 'us-east-1';
  const gone = (): never => {
    throw new Error('the callback-style context methods are not supported by local invocations; return or throw from an async handler');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${options.functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/${options.functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, options.deadline - Date.now()),
    done: gone,
    fail: gone,
    succeed: gone,
  };
}
