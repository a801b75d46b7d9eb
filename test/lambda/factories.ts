import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import type { SQSEvent } from 'aws-lambda';
import { DeliveryEvents } from '../../src/cli/consume/deliveryEvents.js';
import type { Delivery, Json } from '../../src/domain/types.js';
import { localLambdaContext } from '../../src/emulation/lambdaContext.js';

/** The queue ARNs the unit specs use: a standard queue and a FIFO one. */
export const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:conveyor-s-billing';
export const FIFO_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:conveyor-s-shipping.fifo';

/** A pulled message of topic `orders`, numbered `index`, changed by `overrides`. */
export function deliveryOf(index: number, overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: `order-${index}`,
    topic: 'orders',
    partition: index % 4,
    offset: 100 + index,
    key: `customer-${index}`,
    body: { total: index * 10 } as Json,
    attributes: { region: 'eu' },
    publishedAt: '2025-03-01T12:00:00.123Z',
    ackId: `ack-${index}`,
    deliveryAttempt: 1,
    leaseSeconds: 30,
    ...overrides,
  };
}

/**
 * The SQS event Lambda's mapping delivers for these messages, built the way
 * `conveyor consume` builds it (DeliveryEvents: the EventBridge event on a
 * standard queue, the queued message and FIFO attributes on a FIFO queue).
 */
export function sqsEventOf(deliveries: readonly Delivery[], queue: { readonly ordered?: boolean; readonly queueArn?: string } = {}): SQSEvent {
  const ordered = queue.ordered ?? false;
  const events = new DeliveryEvents({
    topic: { name: 'orders', createdAt: '2025-01-01T00:00:00.000Z' },
    subscription: { ordered },
    queueArn: queue.queueArn ?? (ordered ? FIFO_QUEUE_ARN : QUEUE_ARN),
  });
  return events.batch(deliveries, Date.parse('2025-03-01T12:00:05.000Z')).event;
}

/** A Lambda context for one invocation of a function named `billing`. */
export function contextOf(): ReturnType<typeof localLambdaContext> {
  return localLambdaContext({ functionName: 'billing', deadline: Date.now() + 30_000, region: 'eu-west-1' });
}

/** A Powertools Logger that keeps what it would print (children included), for specs on log lines. */
export class CapturingLogger extends Logger {
  public constructor(
    options: ConstructorOptions = {},
    public readonly lines: Array<Record<string, unknown>> = [],
  ) {
    super({ serviceName: 'billing', ...options });
  }

  protected override printLog(_level: number, log: LogItem): void {
    this.lines.push(log.getAttributes());
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new CapturingLogger(options, this.lines);
  }
}

/** A promise with its resolve function, for specs that hold a handler until they let it go. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
