import { Command, Option } from 'commander';
import type { DelayedMessage } from '../../client/index.js';
import { DelayedLimits } from '../../domain/constants.js';
import { CommandError } from '../errors.js';
import { ExitCode } from '../exitCodes.js';
import { integerIn } from '../options.js';
import type { Column } from '../output/table.js';
import { compactJson } from '../output/units.js';
import { runCommand } from '../runCommand.js';

interface DelayedFlags {
  readonly limit?: number;
}

const COLUMNS: readonly Column<DelayedMessage>[] = [
  { heading: 'ID', value: (m) => m.id },
  { heading: 'DELIVER AT', value: (m) => m.deliverAt },
  { heading: 'KEY', value: (m) => m.key ?? null },
  { heading: 'PARTITION', value: (m) => m.partition ?? null, align: 'right' },
  { heading: 'BODY', value: (m) => compactJson(m.body), maxWidth: 40 },
];

/**
 * `conveyor delayed <topic> [list | cancel <id...>]`: the messages of a topic
 * still waiting for their time, soonest first (one page of `--limit`), and
 * cancelling them. A cancelled message is never delivered; an id that no
 * longer waits (released already, or unknown) is named and makes the exit
 * code ExitCode.Partial.
 *
 * @example
 * program.addCommand(delayedCommand());
 * // conveyor delayed orders cancel remind-customer-7
 */
export function delayedCommand(): Command {
  return new Command('delayed')
    .description('messages waiting for their delivery time: list them (the default), or cancel them by id')
    .argument('<topic>', 'topic name')
    .argument('[action]', 'list or cancel', 'list')
    .argument('[ids...]', 'with cancel: the ids of the messages to cancel')
    .addOption(new Option('--limit <n>', 'most delayed messages to list').argParser(integerIn('--limit', DelayedLimits.limit.min, DelayedLimits.limit.max)))
    .action((topic: string, action: string, ids: string[], flags: DelayedFlags, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        if (action === 'list') {
          if (ids.length > 0) throw new CommandError('list takes no ids; cancel <id...> does', ExitCode.Usage);
          const { messages, nextCursor } = await client.listDelayed(topic, flags.limit === undefined ? {} : { limit: flags.limit });
          output.list(messages, COLUMNS, `${topic} has no delayed messages`);
          if (nextCursor !== null && nextCursor !== undefined) output.say(`(more are waiting: --limit up to ${DelayedLimits.limit.max} shows more)`);
          return ExitCode.Ok;
        }
        if (action !== 'cancel') throw new CommandError(`the action must be list or cancel, but ${JSON.stringify(action)} was provided`, ExitCode.Usage);
        if (ids.length === 0) throw new CommandError('cancel needs the id of at least one delayed message', ExitCode.Usage);
        const notWaiting: string[] = [];
        for (const id of ids) {
          try {
            await client.cancelDelayed(topic, id);
          } catch (error) {
            if ((error as { code?: unknown }).code !== 'DelayedMessageNotFound') throw error;
            notWaiting.push(id);
          }
        }
        const cancelled = ids.length - notWaiting.length;
        output.result(
          { cancelled, notWaiting },
          `cancelled ${cancelled} of ${ids.length}${notWaiting.length === 0 ? '' : `; not waiting (released already, cancelled by an earlier attempt, or unknown): ${notWaiting.join(', ')}`}`,
        );
        return notWaiting.length === 0 ? ExitCode.Ok : ExitCode.Partial;
      }),
    );
}
