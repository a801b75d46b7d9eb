import { Option, type Command } from 'commander';
import { SubscriptionLimits } from '../../domain/constants.js';
import type { SubscriptionChanges, SubscriptionSettings } from '../../client/index.js';
import { integerIn, jsonObject } from '../options.js';

/** The settings flags of `subs create` and `subs update`, as commander parses them. */
export interface SettingsFlags {
  readonly filter?: Record<string, unknown>;
  readonly maxDeliveries?: number;
  readonly ackDeadline?: number;
  readonly ordered?: boolean;
  readonly startFrom?: 'earliest' | 'latest';
  readonly retryMin?: number;
  readonly retryMax?: number;
  readonly deadLetterAlarm?: boolean;
}

const { ackDeadlineSeconds, maxDeliveries, retryBackoffSeconds } = SubscriptionLimits;

/**
 * The flags of settings a subscription can change after it is created (`subs
 * create`, which names the API's defaults, and `subs update`).
 */
export function addChangeableOptions(command: Command, creating: boolean): Command {
  const byDefault = (value: number): string => (creating ? ` (default ${value})` : '');
  return command
    .addOption(new Option('--max-deliveries <n>', `failed deliveries before a message is dead-lettered${byDefault(maxDeliveries.default)}`).argParser(integerIn('--max-deliveries', maxDeliveries.min, maxDeliveries.max)))
    .addOption(new Option('--ack-deadline <s>', `lease of a pulled message in seconds${byDefault(ackDeadlineSeconds.default)}`).argParser(integerIn('--ack-deadline', ackDeadlineSeconds.min, ackDeadlineSeconds.max)))
    .addOption(new Option('--retry-min <s>', `first retry backoff in seconds${byDefault(retryBackoffSeconds.defaultMin)}`).argParser(integerIn('--retry-min', retryBackoffSeconds.min, retryBackoffSeconds.max)))
    .addOption(new Option('--retry-max <s>', `longest retry backoff in seconds${byDefault(retryBackoffSeconds.defaultMax)}`).argParser(integerIn('--retry-max', retryBackoffSeconds.min, retryBackoffSeconds.max)));
}

/** The flags of settings fixed once a subscription exists (`subs create` only). */
export function addFixedOptions(command: Command): Command {
  return command
    .addOption(new Option('--filter <json>', 'EventBridge event pattern over {key, attributes, body}, e.g. \'{"attributes":{"region":["eu"]}}\'').argParser(jsonObject('--filter')))
    .addOption(new Option('--ordered', 'deliver the messages of one key one at a time, in offset order'))
    .addOption(new Option('--start-from <where>', 'latest: messages published from now on; earliest: every retained one too').choices(['earliest', 'latest']));
}

/**
 * The flags given, as the API's subscription settings (PUT) or changes
 * (PATCH); a flag left out is left out: the API's default on create,
 * unchanged on update.
 *
 * @example
 * settingsOf({ maxDeliveries: 3, retryMin: 0 }); // { maxDeliveries: 3, retryBackoff: { minSeconds: 0 } }
 */
export function settingsOf(flags: SettingsFlags): SubscriptionSettings & SubscriptionChanges {
  const retryBackoff = {
    ...(flags.retryMin === undefined ? {} : { minSeconds: flags.retryMin }),
    ...(flags.retryMax === undefined ? {} : { maxSeconds: flags.retryMax }),
  };
  return {
    ...(flags.filter === undefined ? {} : { filter: flags.filter }),
    ...(flags.maxDeliveries === undefined ? {} : { maxDeliveries: flags.maxDeliveries }),
    ...(flags.ackDeadline === undefined ? {} : { ackDeadlineSeconds: flags.ackDeadline }),
    ...(Object.keys(retryBackoff).length === 0 ? {} : { retryBackoff }),
    ...(flags.ordered === undefined ? {} : { ordered: flags.ordered }),
    ...(flags.startFrom === undefined ? {} : { startFrom: flags.startFrom }),
    ...(flags.deadLetterAlarm === undefined ? {} : { deadLetterAlarm: flags.deadLetterAlarm }),
  };
}
