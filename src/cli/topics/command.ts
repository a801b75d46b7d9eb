import { Command, Option } from 'commander';
import { TopicLimits } from '../../domain/constants.js';
import { integerIn } from '../options.js';
import type { Field } from '../output/Output.js';
import type { Column } from '../output/table.js';
import { runCommand } from '../runCommand.js';
import type { TopicDetails, Topic } from '../../client/index.js';

interface CreateFlags {
  readonly partitions?: number;
  readonly retentionHours?: number;
  readonly dedupWindowSeconds?: number;
}

const COLUMNS: readonly Column<Topic>[] = [
  { heading: 'NAME', value: (topic) => topic.name },
  { heading: 'PARTITIONS', value: (topic) => topic.partitions, align: 'right' },
  { heading: 'RETENTION', value: (topic) => `${topic.retentionHours}h`, align: 'right' },
  { heading: 'DEDUP WINDOW', value: (topic) => `${topic.dedupWindowSeconds}s`, align: 'right' },
  { heading: 'CREATED', value: (topic) => topic.createdAt },
];

const FIELDS: readonly Field<Topic>[] = [
  { label: 'name', value: (topic) => topic.name },
  { label: 'partitions', value: (topic) => topic.partitions },
  { label: 'retention', value: (topic) => `${topic.retentionHours} hours` },
  { label: 'dedup window', value: (topic) => `${topic.dedupWindowSeconds} seconds` },
  { label: 'created', value: (topic) => topic.createdAt },
];

/** Per partition: offsets retained, as `0: 0..41 (42)`. */
function partitionsField(details: TopicDetails): Field<TopicDetails> {
  return {
    label: 'offsets',
    value: () => details.stats.partitions.map((p) => `${p.partition}: ${p.oldestOffset}..${p.nextOffset} (${p.nextOffset - p.oldestOffset})`).join(', '),
  };
}

/**
 * `conveyor topics [list | create <name> | get <name> | delete <name>]`.
 *
 * @example
 * program.addCommand(topicsCommand());
 * // conveyor topics create orders --partitions 8 --retention-hours 72
 */
export function topicsCommand(): Command {
  const topics = new Command('topics').description('list, create, describe and delete topics');

  topics
    .command('list', { isDefault: true })
    .description('list topics (the default)')
    .action((_flags: object, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const { topics: all } = await client.listTopics();
        output.list(all, COLUMNS, 'no topics');
      }),
    );

  topics
    .command('create')
    .description("create a topic; one that exists with the same settings is kept (the API's PUT), with others it is a conflict")
    .argument('<name>', 'topic name')
    .addOption(new Option('--partitions <n>', `partitions (default ${TopicLimits.partitions.default})`).argParser(integerIn('--partitions', TopicLimits.partitions.min, TopicLimits.partitions.max)))
    .addOption(new Option('--retention-hours <h>', `hours messages are kept (default ${TopicLimits.retentionHours.default})`).argParser(integerIn('--retention-hours', TopicLimits.retentionHours.min, TopicLimits.retentionHours.max)))
    .addOption(
      new Option('--dedup-window-seconds <s>', `how long a message id is remembered, 0 for never (default ${TopicLimits.dedupWindowSeconds.default})`).argParser(
        integerIn('--dedup-window-seconds', TopicLimits.dedupWindowSeconds.min, TopicLimits.dedupWindowSeconds.max),
      ),
    )
    .action((name: string, flags: CreateFlags, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const topic = await client.putTopic(name, {
          ...(flags.partitions === undefined ? {} : { partitions: flags.partitions }),
          ...(flags.retentionHours === undefined ? {} : { retentionHours: flags.retentionHours }),
          ...(flags.dedupWindowSeconds === undefined ? {} : { dedupWindowSeconds: flags.dedupWindowSeconds }),
        });
        output.item(topic, FIELDS);
      }),
    );

  topics
    .command('get')
    .description('describe a topic, with the offsets each partition holds')
    .argument('<name>', 'topic name')
    .action((name: string, _flags: object, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const details = await client.getTopic(name);
        output.item(details, [...FIELDS, partitionsField(details)]);
      }),
    );

  topics
    .command('delete')
    .description('delete a topic with its messages and subscriptions')
    .argument('<name>', 'topic name')
    .action((name: string, _flags: object, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        await client.deleteTopic(name);
        output.result({ deleted: name }, `deleted topic ${name}`);
      }),
    );

  return topics;
}
