import { z } from 'zod';
import { DelayedLimits, PublishLimits, ReadLimits, TopicLimits } from '../../domain/constants.js';
import { attributes, intIn, jsonValue, queryInt, rfc3339, text } from './fields.js';

export const putTopicBody = z.strictObject({
  partitions: intIn(TopicLimits.partitions).default(TopicLimits.partitions.default),
  retentionHours: intIn(TopicLimits.retentionHours).default(TopicLimits.retentionHours.default),
  dedupWindowSeconds: intIn(TopicLimits.dedupWindowSeconds).default(TopicLimits.dedupWindowSeconds.default),
});

const outgoingMessage = z
  .strictObject({
    body: jsonValue,
    key: text(PublishLimits.keyLength).optional(),
    attributes: attributes(PublishLimits.attributes).optional(),
    id: text(PublishLimits.idLength, 1).optional(),
    delaySeconds: intIn(PublishLimits.delaySeconds).optional(),
    deliverAt: rfc3339.optional(),
  })
  .refine((message) => message.delaySeconds === undefined || message.deliverAt === undefined, {
    error: 'delaySeconds and deliverAt are mutually exclusive; give at most one',
  });

export const publishBody = z.strictObject({
  messages: z
    .array(outgoingMessage, { error: 'must be an array of messages' })
    .min(PublishLimits.messagesPerRequest.min, { error: 'must hold at least 1 message' })
    .max(PublishLimits.messagesPerRequest.max, {
      error: (issue) => `must hold at most ${PublishLimits.messagesPerRequest.max} messages, but ${(issue.input as unknown[]).length} were provided`,
    }),
});

export const readQuery = z
  .strictObject({
    fromOffset: queryInt({ min: 0, max: Number.MAX_SAFE_INTEGER }).optional(),
    fromTime: z.string().pipe(rfc3339).optional(),
    limit: queryInt(ReadLimits.limit).default(ReadLimits.limit.default),
  })
  .refine((query) => query.fromOffset === undefined || query.fromTime === undefined, {
    error: 'fromOffset and fromTime are mutually exclusive; give at most one',
  });

export const partitionParam = queryInt({ min: 0, max: TopicLimits.partitions.max - 1 });

export const commitOffsetsBody = z.strictObject({
  offsets: z
    .array(z.strictObject({ partition: intIn({ min: 0, max: TopicLimits.partitions.max - 1 }), offset: intIn({ min: 0, max: Number.MAX_SAFE_INTEGER }) }), {
      error: 'must be an array of {partition, offset}',
    })
    .min(1, { error: 'must hold at least 1 entry' })
    .max(TopicLimits.partitions.max, { error: `must hold at most ${TopicLimits.partitions.max} entries` }),
});

export const delayedQuery = z.strictObject({
  limit: queryInt(DelayedLimits.limit).default(DelayedLimits.limit.default),
  cursor: text(DelayedLimits.cursorLength, 1).optional(),
});

/** A message id in the path, as publishing takes it: 1–128 characters (percent-encoded in the path as needed). */
export const messageIdParam = text(PublishLimits.idLength, 1);
