import { CronSchedule } from '../broker/CronSchedule.js';
import { NAME_PATTERN } from '../domain/constants.js';
import { InvalidNameError } from '../domain/errors.js';
import { checkMessageSize, type SizedMessage } from '../domain/messageSize.js';
import type { Json, ScheduleSettings, SubscriptionSettings, TopicSettings } from '../domain/types.js';
import { putScheduleBody } from '../http/schemas/schedules.js';
import { putSubscriptionBody } from '../http/schemas/subscriptions.js';
import { putTopicBody } from '../http/schemas/topics.js';
import { parse } from '../http/validate.js';
import { SubscriptionMatcher } from '../routing/SubscriptionMatcher.js';

/**
 * Topics, subscriptions and schedules declared in a CDK app (`conveyor/cdk`)
 * are checked with these, twice: by the constructs when the app is
 * synthesized, so a typo fails `cdk synth`, and by the custom resource's
 * handler before it calls the broker. Each runs the checks the HTTP API runs
 * on the same PUT, with the same schemas and the same messages, so a
 * declaration passes exactly when the API would accept it. Errors are
 * Conveyor's own (InvalidName, InvalidRequest, InvalidFilter, PayloadTooLarge).
 */

/** CloudFormation resource types of the declarations; the handler dispatches on them. */
export const DeclaredType = {
  Topic: 'Custom::ConveyorTopic',
  Subscription: 'Custom::ConveyorSubscription',
  Schedule: 'Custom::ConveyorSchedule',
} as const;
export type DeclaredType = (typeof DeclaredType)[keyof typeof DeclaredType];

/** Where a problem is in the declaration, as the messages name it (`props.partitions must be …`). */
const WHERE = 'props';

function checkName(kind: string, value: string): string {
  if (!NAME_PATTERN.test(value)) throw new InvalidNameError(kind, value);
  return value;
}

/**
 * A topic's name and settings as `PUT /v1/topics/{topic}` checks them; the
 * settings with the API's defaults applied.
 *
 * @example
 * checkTopic('orders', { partitions: 4 });  // { partitions: 4, retentionHours: 168, dedupWindowSeconds: 3600 }
 * checkTopic('orders', { partitions: 65 }); // throws: props.partitions must be between 1 and 64, but 65 was provided
 */
export function checkTopic(name: string, settings: unknown): TopicSettings {
  checkName('topic', name);
  return parse(putTopicBody, settings ?? {}, WHERE);
}

/**
 * A subscription's names and settings as `PUT …/subscriptions/{subscription}`
 * checks them, the filter compiled as the broker compiles it.
 *
 * @example
 * checkSubscription('orders', 'shipping-eu', { filter: { attributes: { region: ['eu'] } }, ordered: true });
 */
export function checkSubscription(topic: string, name: string, settings: unknown): SubscriptionSettings {
  checkName('topic', topic);
  checkName('subscription', name);
  const parsed = parse(putSubscriptionBody, settings ?? {}, WHERE);
  const checked: SubscriptionSettings = { ...parsed, filter: parsed.filter as Json | null };
  new SubscriptionMatcher(checked.filter); // InvalidFilter, as SubscriptionAdmin.create refuses it
  return checked;
}

/**
 * A schedule's name and settings as `PUT /v1/schedules/{schedule}` checks
 * them: the body, the message's size, and the cron expression in its time
 * zone as the broker reads them (CronSchedule).
 *
 * @example
 * checkSchedule('nightly', { topic: 'orders', cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' } } });
 */
export function checkSchedule(name: string, settings: unknown): ScheduleSettings {
  checkName('schedule', name);
  const parsed = parse(putScheduleBody, settings, WHERE) as ScheduleSettings;
  checkMessageSize(parsed.message as SizedMessage, `${WHERE}.message`);
  CronSchedule.parse(parsed.cron, parsed.timezone);
  return parsed;
}
