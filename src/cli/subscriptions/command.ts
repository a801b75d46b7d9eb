import { Command, Option } from 'commander';
import type { SubscriptionView } from '../../client/index.js';
import { CommandError } from '../errors.js';
import { ExitCode } from '../exitCodes.js';
import type { Field } from '../output/Output.js';
import type { Column } from '../output/table.js';
import { compactJson, duration } from '../output/units.js';
import { runCommand } from '../runCommand.js';
import { addChangeableOptions, addFixedOptions, settingsOf, type SettingsFlags } from './settings.js';

const COLUMNS: readonly Column<SubscriptionView>[] = [
  { heading: 'NAME', value: (s) => s.name },
  { heading: 'BACKLOG', value: (s) => s.stats.backlog, align: 'right' },
  { heading: 'IN FLIGHT', value: (s) => s.stats.inFlight, align: 'right' },
  { heading: 'DELAYED', value: (s) => s.stats.delayed, align: 'right' },
  { heading: 'DEAD', value: (s) => s.stats.deadLetters, align: 'right' },
  { heading: 'MAX DELIVERIES', value: (s) => s.maxDeliveries, align: 'right' },
  { heading: 'ACK DEADLINE', value: (s) => `${s.ackDeadlineSeconds}s`, align: 'right' },
  { heading: 'ORDERED', value: (s) => (s.ordered ? 'yes' : 'no') },
  { heading: 'FILTER', value: (s) => (s.filter === null ? null : compactJson(s.filter)), maxWidth: 60 },
];

const FIELDS: readonly Field<SubscriptionView>[] = [
  { label: 'subscription', value: (s) => `${s.topic}/${s.name}` },
  { label: 'filter', value: (s) => (s.filter === null ? 'none (every message)' : compactJson(s.filter)) },
  { label: 'ordered', value: (s) => (s.ordered ? 'yes (one message per key at a time)' : 'no') },
  { label: 'ack deadline', value: (s) => `${s.ackDeadlineSeconds} seconds` },
  { label: 'max deliveries', value: (s) => s.maxDeliveries },
  { label: 'retry backoff', value: (s) => `${s.retryBackoff.minSeconds}s doubling to ${s.retryBackoff.maxSeconds}s` },
  { label: 'start from', value: (s) => s.startFrom },
  { label: 'created', value: (s) => s.createdAt },
  { label: 'backlog', value: (s) => s.stats.backlog },
  { label: 'in flight', value: (s) => s.stats.inFlight },
  { label: 'delayed', value: (s) => s.stats.delayed },
  { label: 'dead letters', value: (s) => s.stats.deadLetters },
  { label: 'oldest unacked', value: (s) => (s.stats.oldestUnackedAgeSeconds === 0 ? null : duration(s.stats.oldestUnackedAgeSeconds)) },
  { label: 'queue (AWS)', value: (s) => s.aws?.queueArn },
];

/**
 * `conveyor subs list <topic> | create | get | update | delete <topic> <name>`.
 *
 * @example
 * program.addCommand(subscriptionsCommand());
 * // conveyor subs create orders billing --max-deliveries 3 --filter '{"attributes":{"region":["eu"]}}'
 */
export function subscriptionsCommand(): Command {
  const subs = new Command('subs').description("list, create, describe, change and delete a topic's subscriptions");

  subs
    .command('list')
    .description("list a topic's subscriptions with their stats")
    .argument('<topic>', 'topic name')
    .action((topic: string, _flags: object, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const { subscriptions } = await client.listSubscriptions(topic);
        output.list(subscriptions, COLUMNS, `topic ${topic} has no subscriptions`);
      }),
    );

  addChangeableOptions(
    addFixedOptions(
      subs
        .command('create')
        .description("create a subscription; one that exists with the same settings is kept (the API's PUT), with others it is a conflict")
        .argument('<topic>', 'topic name')
        .argument('<name>', 'subscription name'),
    ),
    true,
  )
    .addOption(new Option('--no-dead-letter-alarm', 'AWS: no CloudWatch alarm on its dead letters'))
    .action((topic: string, name: string, flags: SettingsFlags, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        output.item(await client.putSubscription(topic, name, settingsOf(flags)), FIELDS);
      }),
    );

  subs
    .command('get')
    .description('describe a subscription: settings and stats')
    .argument('<topic>', 'topic name')
    .argument('<name>', 'subscription name')
    .action((topic: string, name: string, _flags: object, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        output.item(await client.getSubscription(topic, name), FIELDS);
      }),
    );

  addChangeableOptions(
    subs
      .command('update')
      .description("change a subscription in place (the API's PATCH): lease, deliveries, retry backoff, dead-letter alarm; what is not named stays. Filter, ordered and start are fixed")
      .argument('<topic>', 'topic name')
      .argument('<name>', 'subscription name'),
    false,
  )
    .addOption(new Option('--dead-letter-alarm', 'AWS: an alarm on its dead letters'))
    .addOption(new Option('--no-dead-letter-alarm', 'AWS: no alarm on its dead letters'))
    .action((topic: string, name: string, flags: SettingsFlags, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const changes = settingsOf(flags);
        if (Object.keys(changes).length === 0) throw new CommandError('name at least one setting to change (see --help)', ExitCode.Usage);
        output.item(await client.updateSubscription(topic, name, changes), FIELDS);
      }),
    );

  subs
    .command('delete')
    .description('delete a subscription with what waits in it')
    .argument('<topic>', 'topic name')
    .argument('<name>', 'subscription name')
    .action((topic: string, name: string, _flags: object, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        await client.deleteSubscription(topic, name);
        output.result({ deleted: `${topic}/${name}` }, `deleted subscription ${topic}/${name}`);
      }),
    );

  return subs;
}
