import { z } from 'zod';
import { AckLimits, DeadLetterLimits, PullLimits, StartFrom, SubscriptionLimits } from '../../domain/constants.js';
import { bool, intIn, queryInt, rfc3339, shown, stringList, text } from './fields.js';

const backoffSeconds = intIn({ min: SubscriptionLimits.retryBackoffSeconds.min, max: SubscriptionLimits.retryBackoffSeconds.max });

// Bodies with a `.meta({ id })` are the request-body components of docs/openapi.yaml, written there by `npm run generate:openapi`;
// `EventPattern` and `StartFrom` are hand-written there, as responses use them too.

const filter = z
  .record(z.string(), z.unknown(), { error: (issue) => `must be an event pattern object, but ${shown(issue.input)} was provided` })
  .meta({ id: 'EventPattern' })
  .nullable();
const startFrom = z
  .enum([StartFrom.Latest, StartFrom.Earliest], { error: (issue) => `must be "latest" or "earliest", but ${shown(issue.input)} was provided` })
  .meta({ id: 'StartFrom' });
const backoffOrder = {
  error: (issue: { input?: unknown }) => {
    const input = issue.input as { minSeconds: number; maxSeconds: number };
    return `minSeconds must not exceed maxSeconds, but ${input.minSeconds} > ${input.maxSeconds} was provided`;
  },
};

export const retryBackoffInput = z
  .strictObject({
    minSeconds: backoffSeconds.default(SubscriptionLimits.retryBackoffSeconds.defaultMin),
    maxSeconds: backoffSeconds.default(SubscriptionLimits.retryBackoffSeconds.defaultMax),
  })
  .refine((backoff) => backoff.minSeconds <= backoff.maxSeconds, backoffOrder)
  .meta({ id: 'RetryBackoffInput', description: 'Exponential retry backoff; `minSeconds` must not exceed `maxSeconds`.' });

export const putSubscriptionBody = z
  .strictObject({
    filter: filter.default(null),
    ackDeadlineSeconds: intIn(SubscriptionLimits.ackDeadlineSeconds)
      .default(SubscriptionLimits.ackDeadlineSeconds.default)
      .meta({ description: 'Lease duration of a pulled message.' }),
    maxDeliveries: intIn(SubscriptionLimits.maxDeliveries)
      .default(SubscriptionLimits.maxDeliveries.default)
      .meta({ description: 'Failed deliveries after which a message is dead-lettered.' }),
    retryBackoff: retryBackoffInput.default({
      minSeconds: SubscriptionLimits.retryBackoffSeconds.defaultMin,
      maxSeconds: SubscriptionLimits.retryBackoffSeconds.defaultMax,
    }),
    ordered: bool.default(false).meta({ description: 'Deliver messages of the same key one at a time in offset order.' }),
    startFrom: startFrom.default(StartFrom.Latest),
    deadLetterAlarm: bool.default(true).meta({
      description: [
        "AWS only: a CloudWatch alarm on the subscription's dead-letter queue, in alarm from",
        "the first dead-lettered message and notifying the deployment's alarm topic (when it",
        'has one). `false` creates none. The embedded backend stores the setting and has no',
        'alarms. Part of the settings compared for 200/409.',
      ].join('\n'),
    }),
  })
  .meta({ id: 'SubscriptionSettingsInput' });

/**
 * A PATCH of a subscription: the settings that can change, each optional (a
 * retry backoff bound left out keeps its value), and the fixed ones, which the
 * broker accepts only with the value they have. Nothing at all is refused,
 * and so is a retry backoff that names neither bound.
 */
export const patchSubscriptionBody = z
  .strictObject({
    ackDeadlineSeconds: intIn(SubscriptionLimits.ackDeadlineSeconds).optional().meta({ description: 'Lease duration of messages pulled from now on.' }),
    maxDeliveries: intIn(SubscriptionLimits.maxDeliveries)
      .optional()
      .meta({ description: 'Failed deliveries after which a message is dead-lettered, from the next failure on.' }),
    retryBackoff: z
      .strictObject({ minSeconds: backoffSeconds.optional(), maxSeconds: backoffSeconds.optional() })
      .refine((backoff) => backoff.minSeconds !== undefined || backoff.maxSeconds !== undefined, {
        error: 'must name minSeconds or maxSeconds, or both, but {} was provided; leave retryBackoff out to keep it',
        abort: true,
      })
      .refine((backoff) => backoff.minSeconds === undefined || backoff.maxSeconds === undefined || backoff.minSeconds <= backoff.maxSeconds, backoffOrder)
      .optional()
      // The first refinement, as JSON Schema states it.
      .meta({
        description: 'Either bound, or both; a bound left out keeps its value, and `minSeconds` must not exceed `maxSeconds` after the change.',
        minProperties: 1,
      }),
    deadLetterAlarm: bool.optional().meta({ description: 'Creates or deletes the dead-letter alarm (AWS only; stored on the embedded backend).' }),
    filter: filter.optional().meta({ description: 'Fixed; only its current value is accepted.' }),
    ordered: bool.optional().meta({ description: 'Fixed; only its current value is accepted.' }),
    startFrom: startFrom.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    error: 'must name at least one setting: ackDeadlineSeconds, maxDeliveries, retryBackoff or deadLetterAlarm (filter, ordered and startFrom cannot change)',
  })
  // The refinement above, as JSON Schema states it.
  .meta({
    id: 'SubscriptionChangesInput',
    description: [
      'The settings to change; at least one field. `filter`, `ordered` and `startFrom` are accepted',
      'only with the value they have (another value is `409 Conflict`).',
    ].join('\n'),
    minProperties: 1,
  });

export const ackIds = stringList(AckLimits.ackIds, AckLimits.ackIdLength).meta({ id: 'AckIds' });

export const pullBody = z
  .strictObject({
    max: intIn(PullLimits.max).default(PullLimits.max.default).meta({ description: 'Maximum number of messages to return.' }),
    waitSeconds: intIn(PullLimits.waitSeconds).default(PullLimits.waitSeconds.default).meta({ description: 'Long-poll up to this long for a first message.' }),
    ackIds: ackIds
      .optional()
      .meta({
        description:
          'Acks these first, as `…/ack` would, then pulls: a consumer sends the ack ids of the batch it has just processed with its next pull, one request instead of two. The answer carries their outcome as `ack`.',
      }),
  })
  .meta({ id: 'PullRequest' });

export const ackBody = z.strictObject({ ackIds }).meta({ id: 'AckRequest' });

export const nackBody = z
  .strictObject({
    ackIds,
    delaySeconds: intIn(AckLimits.nackDelaySeconds).optional().meta({ description: 'Redeliver after this delay instead of the retry backoff.' }),
    reason: text(AckLimits.reasonLength).optional().meta({ description: 'Why processing failed; kept as `lastError` if the message is dead-lettered.' }),
  })
  .meta({ id: 'NackRequest' });

export const extendBody = z
  .strictObject({ ackIds, seconds: intIn(AckLimits.extendSeconds).meta({ description: 'The lease ends this many seconds from now.' }) })
  .meta({ id: 'ExtendRequest' });

export const seekBody = z.strictObject({ time: rfc3339 }).meta({ id: 'SeekRequest' });

export const deadLetterQuery = z.strictObject({ limit: queryInt(DeadLetterLimits.limit).default(DeadLetterLimits.limit.default) });

export const deadLetterIdsBody = z
  .strictObject({ ids: stringList({ min: 0, max: 1000 }, 128).optional().meta({ description: 'Message ids; all dead letters of the subscription when omitted.' }) })
  .meta({ id: 'DeadLetterSelection' });
