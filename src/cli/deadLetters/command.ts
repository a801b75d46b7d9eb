import { Command, Option } from 'commander';
import type { DeadLetter } from '../../client/index.js';
import { DeadLetterLimits } from '../../domain/constants.js';
import { CommandError } from '../errors.js';
import { ExitCode } from '../exitCodes.js';
import { commaList, integerIn } from '../options.js';
import type { Output } from '../output/Output.js';
import type { Column } from '../output/table.js';
import { compactJson } from '../output/units.js';
import { runCommand } from '../runCommand.js';

interface DeadLetterFlags {
  readonly ids?: string[];
  readonly limit?: number;
}

const ACTIONS = ['list', 'redrive', 'purge'] as const;
type Action = (typeof ACTIONS)[number];

const COLUMNS: readonly Column<DeadLetter>[] = [
  { heading: 'ID', value: (d) => d.id },
  { heading: 'PARTITION', value: (d) => d.partition, align: 'right' },
  { heading: 'OFFSET', value: (d) => d.offset, align: 'right' },
  { heading: 'ATTEMPTS', value: (d) => d.deliveryAttempt, align: 'right' },
  { heading: 'DEAD-LETTERED', value: (d) => d.deadLetteredAt },
  { heading: 'LAST ERROR', value: (d) => d.lastError, maxWidth: 40 },
  { heading: 'BODY', value: (d) => compactJson(d.body), maxWidth: 40 },
];

/**
 * What a redrive or purge did: the count, and with `--ids` how many of the
 * named ids were not dead letters of the subscription (the API ignores
 * those), which makes the exit code ExitCode.Partial.
 */
function reportCount(output: Output, verb: 'redriven' | 'deleted', count: number, ids: readonly string[] | undefined): ExitCode {
  const named = ids === undefined ? undefined : new Set(ids).size;
  const missing = named === undefined ? 0 : Math.max(named - count, 0);
  output.result(
    { [verb]: count, ...(named === undefined ? {} : { named, notFound: missing }) },
    `${verb} ${count} dead letter${count === 1 ? '' : 's'}${named === undefined ? '' : ` of ${named} named${missing === 0 ? '' : `; ${missing === 1 ? '1 named id was not a dead letter' : `${missing} named ids were not dead letters`} of this subscription`}`}`,
  );
  return missing === 0 ? ExitCode.Ok : ExitCode.Partial;
}

/**
 * `conveyor dlq <topic> <sub> [list | redrive [--ids a,b] | purge [--ids a,b]]`:
 * a subscription's dead letters; redrive puts them back in the queue with
 * their attempts reset, purge deletes them. Without `--ids`, all of them.
 *
 * @example
 * program.addCommand(deadLettersCommand());
 * // conveyor dlq orders billing redrive --ids order-1001
 */
export function deadLettersCommand(): Command {
  return new Command('dlq')
    .description("a subscription's dead letters: list them (the default), redrive them into the queue, or purge them")
    .argument('<topic>', 'topic name')
    .argument('<subscription>', 'subscription name')
    .argument('[action]', `${ACTIONS.join(', ')}`, 'list')
    .addOption(new Option('--ids <ids>', 'message ids, comma-separated (repeatable); redrive and purge only these').argParser(commaList('--ids')))
    .addOption(new Option('--limit <n>', 'most dead letters to list').argParser(integerIn('--limit', DeadLetterLimits.limit.min, DeadLetterLimits.limit.max)))
    .action((topic: string, subscription: string, action: string, flags: DeadLetterFlags, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        if (!(ACTIONS as readonly string[]).includes(action)) throw new CommandError(`the action must be one of ${ACTIONS.join(', ')}, but ${JSON.stringify(action)} was provided`, ExitCode.Usage);
        const selection = flags.ids === undefined ? {} : { ids: flags.ids };
        switch (action as Action) {
          case 'list': {
            if (flags.ids !== undefined) throw new CommandError('--ids selects what redrive and purge act on; list shows every dead letter', ExitCode.Usage);
            const { messages } = await client.listDeadLetters(topic, subscription, flags.limit === undefined ? {} : { limit: flags.limit });
            output.list(messages, COLUMNS, `${topic}/${subscription} has no dead letters`);
            return ExitCode.Ok;
          }
          case 'redrive':
            return reportCount(output, 'redriven', (await client.redriveDeadLetters(topic, subscription, selection)).redriven, flags.ids);
          case 'purge':
            return reportCount(output, 'deleted', (await client.deleteDeadLetters(topic, subscription, selection)).deleted, flags.ids);
        }
      }),
    );
}
