import { CreateScheduleCommand, DeleteScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { PayloadTooLargeError } from '../../domain/errors.js';
import type { Topic } from '../../domain/types.js';
import type { Clock } from '../../ports/Clock.js';
import type { LogEntry } from '../../ports/MessageLog.js';
import { awsErrorName, translateAwsError } from './awsErrors.js';
import type { PartialRetryOptions } from './batches.js';
import type { AwsClients } from './clients.js';
import type { DelayedEnvelope, DelayedSender } from './collaborators.js';
import { DelayQueue, MAX_DELAY_SECONDS, delaySecondsUntil, type DelayQueueMessage } from './delays/DelayQueue.js';
import { byteLength, encodeEnvelope, toEnvelope } from './delays/envelope.js';
import { delayScheduleName, topicKey } from './names.js';
import type { AwsResources } from './resources.js';
import { SCHEDULES_QUOTA } from './SchedulerTimers.js';
import { targetDelivery } from './targetDelivery.js';

/** How long before its due time a long delay's one-time schedule fires; the delay queue waits out the rest. */
export const SCHEDULE_LEAD_MS = 10 * 60_000;
/** EventBridge Scheduler's largest target Input: 256 KB. */
export const MAX_SCHEDULE_INPUT_BYTES = 262_144;
/** CreateSchedule calls in flight at once (the API has no batch form). */
const SCHEDULE_CONCURRENCY = 10;

type DelayedEntry = LogEntry & { readonly dueAt: number };

export type DelayQueueSenderResources = Pick<AwsResources, 'delayQueueUrl' | 'delayQueueArn' | 'scheduleGroup' | 'schedulerRoleArn' | 'resourcePrefix' | 'deliveryFailureQueueArn'>;

export interface DelayQueueSenderOptions {
  /** Per-entry retries of SendMessageBatch entries that failed. */
  readonly retry?: PartialRetryOptions;
}

/**
 * Sends delayed entries on their way to the log. An entry due within 15
 * minutes goes straight to the delay queue with DelaySeconds set; a later one
 * gets a one-time EventBridge Scheduler schedule (`at(…)`, deleted after it
 * runs) that puts its envelope in the delay queue 10 minutes before it is due.
 * Either way the delay-queue consumer sees it again until it is due, so it
 * enters the log about a second after its time at any horizon.
 *
 * @example
 * const sender = new DelayQueueSender(clients, resources, systemClock);
 * await sender.send(topic, [{ id, partition: 0, key: null, body: 'later', attributes: {}, clientId: false, dueAt: Date.now() + 3_600_000 }]);
 */
export class DelayQueueSender implements DelayedSender {
  private readonly queue: DelayQueue;
  private readonly scheduler: SchedulerClient;

  public constructor(
    clients: Pick<AwsClients, 'sqs' | 'scheduler'>,
    private readonly resources: DelayQueueSenderResources,
    private readonly clock: Clock,
    options: DelayQueueSenderOptions = {},
  ) {
    this.queue = new DelayQueue(clients.sqs, resources.delayQueueUrl, options.retry);
    this.scheduler = clients.scheduler;
  }

  /**
   * Sends every entry, or throws (PayloadTooLarge before anything is sent; else
   * the first failure, after the others were sent). Sending the same entries
   * again is safe: a schedule that exists already counts as sent, and the log's
   * release appends a message id once however often its envelope comes back.
   */
  public async send(topic: Topic, entries: readonly DelayedEntry[]): Promise<void> {
    const now = this.clock.now();
    const soon = entries.filter((entry) => entry.dueAt - now <= MAX_DELAY_SECONDS * 1000);
    const later = entries.filter((entry) => entry.dueAt - now > MAX_DELAY_SECONDS * 1000);
    const queued = soon.map((entry) => ({ envelope: toEnvelope(topic, entry), delaySeconds: delaySecondsUntil(entry.dueAt, now) }));
    const scheduled = later.map((entry) => ({ name: delayScheduleName(this.resources.resourcePrefix, messageIdentity(topic, entry)), envelope: toEnvelope(topic, entry) }));
    this.checkSizes(queued, scheduled);

    const outcomes = await Promise.allSettled([
      this.queue.send(queued).then((failures) => {
        if (failures[0] !== undefined) throw failures[0].error;
      }),
      inParallel(scheduled, SCHEDULE_CONCURRENCY, ({ name, envelope }) => this.schedule(name, envelope)),
    ]);
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  /** Deletes the one-time schedule of a long delay (a cancel); one that fired or never existed is fine. */
  public async unschedule(topic: Topic, entry: DelayedEntry): Promise<void> {
    const name = delayScheduleName(this.resources.resourcePrefix, messageIdentity(topic, entry));
    try {
      await this.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: this.resources.scheduleGroup }));
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return;
      throw translateAwsError(error, `delete the schedule of delayed message ${JSON.stringify(entry.id)}`);
    }
  }

  private checkSizes(queued: readonly DelayQueueMessage[], scheduled: ReadonlyArray<{ readonly envelope: DelayedEnvelope }>): void {
    const [oversized] = DelayQueue.oversized(queued);
    if (oversized !== undefined) throw oversized.error;
    for (const { envelope } of scheduled) {
      const bytes = byteLength(encodeEnvelope(envelope));
      if (bytes > MAX_SCHEDULE_INPUT_BYTES) {
        throw new PayloadTooLargeError(`message ${JSON.stringify(envelope.id)} delayed by more than 15 minutes, with its envelope,`, MAX_SCHEDULE_INPUT_BYTES, bytes);
      }
    }
  }

  /** Creates the one-time schedule that hands the envelope to the delay queue shortly before it is due. */
  private async schedule(name: string, envelope: DelayedEnvelope): Promise<void> {
    try {
      await this.scheduler.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.resources.scheduleGroup,
          Description: `Conveyor delayed message ${envelope.id} of topic ${envelope.topic}, due ${new Date(envelope.dueAt).toISOString()}`.slice(0, 512),
          ScheduleExpression: atExpression(envelope.dueAt - SCHEDULE_LEAD_MS),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          State: 'ENABLED',
          Target: {
            Arn: this.resources.delayQueueArn,
            RoleArn: this.resources.schedulerRoleArn,
            Input: encodeEnvelope(envelope),
            // Retried for a day when the delay queue refuses it, then kept in the delivery-failure queue.
            ...targetDelivery(this.resources),
          },
        }),
      );
    } catch (error) {
      // The same message's schedule exists: an earlier attempt of this send got that far.
      if (awsErrorName(error) === 'ConflictException') return;
      throw translateAwsError(error, `schedule delayed message ${JSON.stringify(envelope.id)}`, { quota: SCHEDULES_QUOTA });
    }
  }
}

/**
 * EventBridge Scheduler's one-time expression, to the second, in UTC (the
 * schedule's time zone).
 *
 * @example
 * atExpression(Date.parse('2026-03-01T12:00:00.750Z')); // 'at(2026-03-01T12:00:00)'
 */
export function atExpression(epochMs: number): string {
  return `at(${new Date(epochMs).toISOString().slice(0, 19)})`;
}

/**
 * What names a long delay's schedule: the topic's incarnation, the message id
 * and its content. Client ids are unique only per topic and dedup window, so
 * the id alone could collide with another topic's message, or with a later
 * message reusing the id, and a conflict would then lose that message. A
 * retried send of the same message names the same schedule and finds it there.
 */
function messageIdentity(topic: Topic, entry: DelayedEntry): string {
  return JSON.stringify([topicKey(topic), entry.id, entry.partition, entry.key, entry.body, entry.attributes]);
}

/** Runs `work` on every item, at most `limit` at once; rejects with the first failure once all have settled. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const pending = items.values(); // shared: each worker takes the next item
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    for (const item of pending) {
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
