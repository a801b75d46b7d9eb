import { z } from 'zod';
import { InvalidRequestError } from '../../../domain/errors.js';
import type { Json, Topic } from '../../../domain/types.js';
import type { LogEntry } from '../../../ports/MessageLog.js';
import type { DelayedEnvelope } from '../collaborators.js';
import { sqsJson } from '../sqs/queueMessages.js';

/** The envelope of a delayed entry of `topic`. */
export function toEnvelope(topic: Pick<Topic, 'name' | 'createdAt'>, entry: LogEntry & { readonly dueAt: number }): DelayedEnvelope {
  return {
    topic: topic.name,
    topicCreatedAt: topic.createdAt,
    id: entry.id,
    partition: entry.partition,
    key: entry.key,
    body: entry.body,
    attributes: entry.attributes,
    dueAt: entry.dueAt,
  };
}

/** The envelope as an SQS message body or a schedule's Input (sqsJson: text SQS accepts). */
export function encodeEnvelope(envelope: DelayedEnvelope): string {
  return sqsJson(envelope);
}

const envelopeSchema = z.object({
  topic: z.string().min(1),
  topicCreatedAt: z.string().min(1),
  id: z.string().min(1),
  partition: z.number().int().min(0),
  key: z.string().nullable(),
  body: z.custom<Json>((value) => value !== undefined, { error: 'is required' }),
  attributes: z.record(z.string(), z.string()),
  dueAt: z.number().int(),
});

/** Reads an envelope back; InvalidRequestError says what is wrong with a body that is not one. */
export function decodeEnvelope(text: string): DelayedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError(`a delayed envelope must be JSON, but this body is not: ${(error as Error).message}`);
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'envelope'} ${issue.message}`);
    throw new InvalidRequestError(`not a delayed envelope: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The log entry a due envelope becomes: dedup of a client id was settled at publish, so `clientId` is false; `dueAt` stays, because the log keys the release on it. */
export function toReleasedEntry(envelope: DelayedEnvelope): LogEntry {
  return {
    id: envelope.id,
    partition: envelope.partition,
    key: envelope.key,
    body: envelope.body,
    attributes: envelope.attributes,
    clientId: false,
    // The log keys its release marker (and the dedup entry's new position) on the time the message was due.
    dueAt: envelope.dueAt,
  };
}

/** UTF-8 size: what SQS and EventBridge Scheduler count against their limits. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
