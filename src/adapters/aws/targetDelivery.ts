import type { AwsResources } from './resources.js';

/**
 * How long EventBridge and EventBridge Scheduler keep retrying a target that
 * fails (an SQS queue, the schedule-target function): both services' maximum,
 * 185 attempts within 24 hours, with their own exponential backoff. Stated
 * explicitly rather than left to each service's default.
 */
export const TARGET_RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } as const;

/** What every target created at runtime carries so that nothing it fails to deliver is dropped silently. */
export interface TargetDelivery {
  readonly RetryPolicy: typeof TARGET_RETRY_POLICY;
  /** The stack's `<prefix>-delivery-failures` queue, which an alarm watches. */
  readonly DeadLetterConfig: { readonly Arn: string };
}

/**
 * The retry policy and dead-letter queue of an EventBridge rule target or a
 * Scheduler schedule target: when the retries run out, the service puts the
 * event, with the error, in the delivery-failure queue instead of dropping it.
 *
 * @example
 * new PutTargetsCommand({ Rule, EventBusName, Targets: [{ Id: 'queue', Arn: queueArn, ...targetDelivery(resources) }] });
 */
export function targetDelivery(resources: Pick<AwsResources, 'deliveryFailureQueueArn'>): TargetDelivery {
  return { RetryPolicy: TARGET_RETRY_POLICY, DeadLetterConfig: { Arn: resources.deliveryFailureQueueArn } };
}
