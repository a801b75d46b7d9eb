import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import type { SdkError } from '@smithy/types';
import { ConveyorError, QuotaExceededError, StorageError, UnavailableError } from '../../domain/errors.js';

/**
 * AWS errors that mean a service quota is used up, with the quota each names
 * when the caller does not know better. Checked before throttling: the SDK
 * counts `LimitExceededException` as throttling and retries it, but EventBridge
 * (and DynamoDB's control plane) raise it for quotas such as rules per event bus,
 * which no retry can lift.
 */
const QUOTA_ERRORS: Readonly<Record<string, string>> = {
  LimitExceededException: 'an AWS service quota',
  ServiceQuotaExceededException: 'an AWS service quota',
  OverLimit: 'the in-flight messages of an SQS queue (about 120,000; 20,000 for a FIFO queue)',
  LimitExceededFault: 'CloudWatch alarms per account and Region',
};

/** Names the quota of a call that can run into one, e.g. `'EventBridge rules per event bus (300 by default)'`. */
export interface QuotaContext {
  readonly quota?: string;
}

/** The AWS error name of `error` (`ConditionalCheckFailedException`, `QueueDoesNotExist`…), if it is an SDK error. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error && '$metadata' in error ? error.name : undefined;
}

/** Whether `error` says a service quota is used up (see QUOTA_ERRORS). */
export function isQuotaAwsError(error: unknown): boolean {
  return Object.hasOwn(QUOTA_ERRORS, awsErrorName(error) ?? '');
}

/**
 * Whether retrying later may succeed: throttling, 5xx, timeouts and network
 * failures, as the SDK's own retry strategy classifies them
 * (@smithy/service-error-classification), quota errors excepted.
 */
export function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error) || isQuotaAwsError(error)) return false;
  const sdk = error as SdkError;
  return isThrottlingError(sdk) || isTransientError(sdk) || isServerError(sdk) || /socket hang up/.test(error.message);
}

/**
 * Conveyor's error for anything an AWS call threw: Conveyor's own errors pass
 * through; a used-up quota becomes QuotaExceeded (507, naming the quota: a retry
 * would fail the same way); throttling and 5xx that outlived the SDK's retries
 * become Unavailable (503, retry later); the rest become Storage (500), cause kept.
 *
 * @example
 * translateAwsError(error, 'create the subscription rule', { quota: 'EventBridge rules per event bus (300 by default)' });
 */
export function translateAwsError(error: unknown, what: string, context: QuotaContext = {}): ConveyorError {
  if (error instanceof ConveyorError) return error;
  if (isQuotaAwsError(error)) {
    const name = awsErrorName(error) ?? '';
    const quota = context.quota ?? QUOTA_ERRORS[name] ?? 'an AWS service quota';
    const detail = error instanceof Error && error.message !== '' ? `: ${error.message}` : '';
    return new QuotaExceededError(
      quota,
      `AWS refused to ${what} because ${quota} is used up (${name}${detail}). Retrying will not help: raise the quota in Service Quotas or remove unused resources`,
      { cause: error },
    );
  }
  if (isTransientAwsError(error)) return new UnavailableError(`AWS could not ${what} right now; retry later`, { cause: error });
  return new StorageError(`AWS failed to ${what}`, { cause: error });
}

/** Runs one AWS call and translates whatever it throws. */
export async function callAws<T>(what: string, call: () => Promise<T>, context: QuotaContext = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(error, what, context);
  }
}
