import { isTransientAwsError, translateAwsError } from '../../src/adapters/aws/awsErrors.js';
import { ConflictError, ErrorCode } from '../../src/domain/errors.js';

/** An error as the SDK raises it: its AWS name, its HTTP status, and the fault side. */
function sdkError(name: string, status: number, message = `${name} (test)`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, ...extra });
}

describe('Function: translateAwsError', () => {
  it.each([
    { case: 'EventBridge LimitExceededException (rules per bus)', error: sdkError('LimitExceededException', 400, 'The requested resource exceeds the maximum number allowed.') },
    { case: 'Scheduler ServiceQuotaExceededException', error: sdkError('ServiceQuotaExceededException', 402) },
    { case: 'SQS OverLimit (in-flight messages)', error: sdkError('OverLimit', 403) },
    { case: 'CloudWatch LimitExceededFault (alarms)', error: sdkError('LimitExceededFault', 400) },
  ])('turns $case into QuotaExceeded, not a retryable Unavailable', ({ error }) => {
    // Act
    const translated = translateAwsError(error, 'create the subscription rule');

    // Assess
    expect(translated).toMatchObject({ name: 'QuotaExceededError', code: ErrorCode.QuotaExceeded, cause: error });
    expect(translated.message).toContain('create the subscription rule');
    expect(translated.message).toContain(error.name);
    expect(isTransientAwsError(error)).toBe(false);
  });

  it('names the quota the caller gives, and keeps what AWS said', () => {
    // Prepare
    const error = sdkError('LimitExceededException', 400, 'The requested resource exceeds the maximum number allowed.');

    // Act
    const translated = translateAwsError(error, 'create the subscription rule', { quota: 'EventBridge rules per event bus (300 by default)' });

    // Assess
    expect(translated).toMatchObject({ quota: 'EventBridge rules per event bus (300 by default)', details: { quota: 'EventBridge rules per event bus (300 by default)' } });
    expect(translated.message).toBe(
      'AWS refused to create the subscription rule because EventBridge rules per event bus (300 by default) is used up (LimitExceededException: The requested resource exceeds the maximum number allowed.). Retrying will not help: raise the quota in Service Quotas or remove unused resources',
    );
  });

  it('names the in-flight limit of SQS when the caller names none', () => {
    // Act
    const translated = translateAwsError(sdkError('OverLimit', 403), 'receive messages');

    // Assess
    expect(translated).toMatchObject({ quota: 'the in-flight messages of an SQS queue (about 120,000; 20,000 for a FIFO queue)' });
  });

  it.each([
    { case: 'ThrottlingException', error: sdkError('ThrottlingException', 400) },
    { case: 'ProvisionedThroughputExceededException', error: sdkError('ProvisionedThroughputExceededException', 400) },
    { case: 'TransactionInProgressException', error: sdkError('TransactionInProgressException', 400) },
    { case: 'a 429', error: sdkError('TooManyRequests', 429) },
    { case: 'a 500 InternalServerError', error: sdkError('InternalServerError', 500) },
    { case: 'a 503 ServiceUnavailable', error: sdkError('ServiceUnavailable', 503) },
    { case: 'a 501 (a server error that is not transient)', error: sdkError('NotImplemented', 501) },
    { case: 'a reset connection', error: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) },
    { case: 'a socket hang up', error: new Error('socket hang up') },
    { case: 'a timeout', error: Object.assign(new Error('timed out'), { name: 'TimeoutError' }) },
  ])('turns $case into Unavailable (retry later)', ({ error }) => {
    // Act
    const translated = translateAwsError(error, 'append to the log');

    // Assess
    expect(translated).toMatchObject({ name: 'UnavailableError', code: ErrorCode.Unavailable, cause: error });
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    { case: 'ValidationException', error: sdkError('ValidationException', 400) },
    { case: 'AccessDeniedException', error: sdkError('AccessDeniedException', 403) },
    { case: 'ResourceNotFoundException', error: sdkError('ResourceNotFoundException', 404) },
    { case: 'an error that is not an SDK error', error: new TypeError('undefined is not a function') },
  ])('turns $case into Internal (a storage failure), cause kept', ({ error }) => {
    // Act
    const translated = translateAwsError(error, 'store a schedule');

    // Assess
    expect(translated).toMatchObject({ name: 'StorageError', code: ErrorCode.Internal, cause: error });
    expect(isTransientAwsError(error)).toBe(false);
  });

  it('passes Conveyor errors through unchanged', () => {
    // Prepare
    const error = new ConflictError('exists');

    // Act
    const translated = translateAwsError(error, 'create a subscription');

    // Assess
    expect(translated).toBe(error);
  });
});
