import { ConveyorError, StorageError, UnavailableError } from '../../domain/errors.js';

/** An error the SDK raised, with the AWS error name and HTTP status when known. */
interface SdkError extends Error {
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'TooManyRequestsException',
  'LimitExceededException',
  'RequestThrottledException',
  'TransactionInProgressException',
  'ServiceUnavailable',
  'InternalServerError',
  'InternalFailure',
]);

/** The AWS error name of `error` (`ConditionalCheckFailedException`, `QueueDoesNotExist`…), if it is an SDK error. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error && '$metadata' in error ? error.name : undefined;
}

/** Whether retrying later may succeed: throttling, 5xx, network failures. */
export function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sdk = error as SdkError;
  const status = sdk.$metadata?.httpStatusCode;
  return THROTTLING.has(error.name) || (status !== undefined && status >= 500) || sdk.$retryable !== undefined || /ECONNRE|ETIMEDOUT|EPIPE|socket hang up/.test(error.message);
}

/**
 * Conveyor's error for anything an AWS call threw: Conveyor's own errors pass
 * through; throttling and 5xx that outlived the SDK's retries become
 * Unavailable (503, retry later); the rest become Storage (500), cause kept.
 */
export function translateAwsError(error: unknown, what: string): ConveyorError {
  if (error instanceof ConveyorError) return error;
  if (isTransientAwsError(error)) return new UnavailableError(`AWS could not ${what} right now; retry later`, { cause: error });
  return new StorageError(`AWS failed to ${what}`, { cause: error });
}

/** Runs one AWS call and translates whatever it throws. */
export async function callAws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(error, what);
  }
}
