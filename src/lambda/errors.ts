import { ConveyorError, ErrorCode, type ConveyorErrorOptions } from '../domain/errors.js';

/**
 * A Lambda consumer's own setup is wrong: no subscription is known for a
 * record's queue, or an option is out of range. Thrown from the handler (the
 * whole batch fails, and the function's Errors metric shows it), since no
 * retry of a single message can mend it.
 */
export class ConsumerConfigurationError extends ConveyorError {
  public constructor(message: string, options?: ConveyorErrorOptions) {
    super(ErrorCode.InvalidRequest, message, options);
  }
}

/**
 * A record whose body is not a Conveyor message. Conveyor writes every body
 * itself, so this is a stray message: it fails, and the queue's redrive sets
 * it aside in the dead-letter queue where it can be looked at.
 */
export class UndecodableMessageError extends ConveyorError {
  public constructor(
    public readonly messageId: string,
    message: string,
  ) {
    super(ErrorCode.InvalidRequest, message, { details: { messageId } });
  }
}

/**
 * A message received more often than its subscription's `maxDeliveries`: the
 * handler does not see it again. SQS's redrive (one receive past
 * `maxDeliveries`, see SubscriptionResources) moves it to the dead-letter queue
 * on its next receive.
 */
export class DeliveriesExhaustedError extends ConveyorError {
  public constructor(
    public readonly messageId: string,
    attempt: number,
    maxDeliveries: number,
  ) {
    super(ErrorCode.Conflict, `message ${JSON.stringify(messageId)} arrived for delivery ${attempt}, past maxDeliveries ${maxDeliveries}: it is not handled again and goes to the dead letters`, {
      details: { messageId, attempt, maxDeliveries },
    });
  }
}
