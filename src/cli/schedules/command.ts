import { Command, Option } from 'commander';
import type { Schedule } from '../../client/index.js';
import { jsonValue, keyValue } from '../options.js';
import type { Field } from '../output/Output.js';
import type { Column } from '../output/table.js';
import { compactJson } from '../output/units.js';
import { runCommand } from '../runCommand.js';

interface CreateFlags {
  readonly topic: string;
  readonly cron: string;
  readonly timezone?: string;
  readonly body: unknown;
  readonly key?: string;
  readonly attr?: Record<string, string>;
}

const COLUMNS: readonly Column<Schedule>[] = [
  { heading: 'NAME', value: (s) => s.name },
  { heading: 'TOPIC', value: (s) => s.topic },
  { heading: 'CRON', value: (s) => s.cron },
  { heading: 'TIMEZONE', value: (s) => s.timezone },
  { heading: 'NEXT', value: (s) => s.nextFireAt },
  { heading: 'LAST', value: (s) => s.lastFiredAt },
  { heading: 'BODY', value: (s) => compactJson(s.message.body), maxWidth: 40 },
];

const FIELDS: readonly Field<Schedule>[] = [
  { label: 'schedule', value: (s) => s.name },
  { label: 'topic', value: (s) => s.topic },
  { label: 'cron', value: (s) => `${s.cron} (${s.timezone})` },
  { label: 'message', value: (s) => compactJson(s.message) },
  { label: 'next', value: (s) => s.nextFireAt ?? 'never' },
  { label: 'last', value: (s) => s.lastFiredAt ?? 'not yet' },
  { label: 'created', value: (s) => s.createdAt },
];

/**
 * `conveyor schedules list | create <name> | get <name> | delete <name>`.
 *
 * @example
 * program.addCommand(schedulesCommand());
 * // conveyor schedules create nightly --topic orders --cron "0 2 * * *" --timezone Europe/Berlin --body '{"report":"daily"}'
 */
export function schedulesCommand(): Command {
  const schedules = new Command('schedules').description('list, create, describe and delete cron schedules that publish a fixed message');

  schedules
    .command('list', { isDefault: true })
    .description('list schedules (the default)')
    .action((_flags: object, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const { schedules: all } = await client.listSchedules();
        output.list(all, COLUMNS, 'no schedules');
      }),
    );

  schedules
    .command('create')
    .description("create or replace a schedule (the API's PUT)")
    .argument('<name>', 'schedule name')
    .requiredOption('--topic <topic>', 'topic the message is published to')
    .requiredOption('--cron <expression>', 'cron expression: 5 fields, or 6 with seconds first, e.g. "0 2 * * *"')
    .option('--timezone <zone>', 'IANA time zone the expression is read in (default UTC)')
    .addOption(new Option('--body <json>', 'the message body, JSON').argParser(jsonValue('--body')).makeOptionMandatory())
    .option('--key <key>', 'the message key')
    .addOption(new Option('--attr <name=value>', 'a message attribute (repeatable)').argParser(keyValue('--attr')))
    .action((name: string, flags: CreateFlags, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const schedule = await client.putSchedule(name, {
          topic: flags.topic,
          cron: flags.cron,
          ...(flags.timezone === undefined ? {} : { timezone: flags.timezone }),
          message: {
            body: flags.body,
            ...(flags.key === undefined ? {} : { key: flags.key }),
            ...(flags.attr === undefined ? {} : { attributes: flags.attr }),
          },
        });
        output.item(schedule, FIELDS);
      }),
    );

  schedules
    .command('get')
    .description('describe a schedule: its message, next and last tick')
    .argument('<name>', 'schedule name')
    .action((name: string, _flags: object, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        output.item(await client.getSchedule(name), FIELDS);
      }),
    );

  schedules
    .command('delete')
    .description('delete a schedule')
    .argument('<name>', 'schedule name')
    .action((name: string, _flags: object, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        await client.deleteSchedule(name);
        output.result({ deleted: name }, `deleted schedule ${name}`);
      }),
    );

  return schedules;
}
