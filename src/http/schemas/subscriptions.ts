import { z } from 'zod';
import { AckLimits, DeadLetterLimits, PullLimits, StartFrom, SubscriptionLimits } from '../../domain/constants.js';
import { bool, intIn, queryInt, rfc3339, shown, stringList, text } from './fields.js';

const backoffSeconds = intIn({ min: SubscriptionLimits.retryBackoffSeconds.min, max: SubscriptionLimits.retryBackoffSeconds.max });

const filter = z
  .record(z.string(), z.unknown(), { error: (issue) => `must be an event pattern object, but ${shown(issue.input)} was provided` })
  .nullable();
const startFrom = z.enum([StartFrom.Latest, StartFrom.Earliest], { error: (issue) => `must be "latest" or "earliest", but ${shown(issue.input)} was provided` });
const backoffOrder = {
  error: (issue: { input?: unknown }) => {
    const input = issue.input as { minSeconds: number; maxSeconds: number };
    return `minSeconds must not exceed maxSeconds, but ${input.minSeconds} > ${input.maxSeconds} was provided`;
  },
};

export const putSubscriptionBody = z.strictObject({
  filter: filter.default(null),
  ackDeadlineSeconds: intIn(SubscriptionLimits.ackDeadlineSeconds).default(SubscriptionLimits.ackDeadlineSeconds.default),
  maxDeliveries: intIn(SubscriptionLimits.maxDeliveries).default(SubscriptionLimits.maxDeliveries.default),
  retryBackoff: z
    .strictObject({
      minSeconds: backoffSeconds.default(SubscriptionLimits.retryBackoffSeconds.defaultMin),
      maxSeconds: backoffSeconds.default(SubscriptionLimits.retryBackoffSeconds.defaultMax),
    })
    .refine((backoff) => backoff.minSeconds <= backoff.maxSeconds, backoffOrder)
    .default({ minSeconds: SubscriptionLimits.retryBackoffSeconds.defaultMin, maxSeconds: SubscriptionLimits.retryBackoffSeconds.defaultMax }),
  ordered: bool.default(false),
  startFrom: startFrom.default(StartFrom.Latest),
  deadLetterAlarm: bool.default(true),
});

/**
 * A PATCH of a subscription: the settings that can change, each optional (a
 * retry backoff bound left out keeps its value), and the fixed ones, which the
 * broker accepts only with the value they have. Nothing at all is refused.
 */
export const patchSubscriptionBody = z
  .strictObject({
    ackDeadlineSeconds: intIn(SubscriptionLimits.ackDeadlineSeconds).optional(),
    maxDeliveries: intIn(SubscriptionLimits.maxDeliveries).optional(),
    retryBackoff: z
      .strictObject({ minSeconds: backoffSeconds.optional(), maxSeconds: backoffSeconds.optional() })
      .refine((backoff) => backoff.minSeconds === undefined || backoff.maxSeconds === undefined || backoff.minSeconds <= backoff.maxSeconds, backoffOrder)
      .optional(),
    deadLetterAlarm: bool.optional(),
    filter: filter.optional(),
    ordered: bool.optional(),
    startFrom: startFrom.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    error: 'must name at least one setting: ackDeadlineSeconds, maxDeliveries, retryBackoff or deadLetterAlarm (filter, ordered and startFrom cannot change)',
  });

export const pullBody = z.strictObject({
  max: intIn(PullLimits.max).default(PullLimits.max.default),
  waitSeconds: intIn(PullLimits.waitSeconds).default(PullLimits.waitSeconds.default),
});

const ackIds = stringList(AckLimits.ackIds, AckLimits.ackIdLength);

export const ackBody = z.strictObject({ ackIds });

export const nackBody = z.strictObject({
  ackIds,
  delaySeconds: intIn(AckLimits.nackDelaySeconds).optional(),
  reason: text(AckLimits.reasonLength).optional(),
});

export const extendBody = z.strictObject({ ackIds, seconds: intIn(AckLimits.extendSeconds) });

export const seekBody = z.strictObject({ time: rfc3339 });

export const deadLetterQuery = z.strictObject({ limit: queryInt(DeadLetterLimits.limit).default(DeadLetterLimits.limit.default) });

export const deadLetterIdsBody = z.strictObject({ ids: stringList({ min: 0, max: 1000 }, 128).optional() });
