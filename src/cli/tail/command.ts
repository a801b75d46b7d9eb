import { Command, Option } from 'commander';
import type { Message } from '../../client/index.js';
import { CommandError } from '../errors.js';
import { ExitCode } from '../exitCodes.js';
import { integerIn, pointInTime } from '../options.js';
import { compactJson } from '../output/units.js';
import { runCommand } from '../runCommand.js';
import { LogTail, type TailStart } from './LogTail.js';

interface TailFlags {
  readonly partition?: number;
  readonly fromOffset?: number;
  readonly fromTime?: string;
  readonly fromBeginning?: boolean;
  readonly follow?: boolean;
  readonly max?: number;
  readonly pollMs: number;
}

/**
 * A message as one line for a person, as kafka-console-consumer prints with
 * its partition, offset and key: tab-separated partition, offset, key (`-`
 * without one), body as JSON, and the attributes when there are any.
 *
 * @example
 * tailLine(message); // '3\t12\tcustomer-7\t{"total":42}\tregion=eu'
 */
export function tailLine(message: Message): string {
  const attributes = Object.entries(message.attributes).map(([name, value]) => `${name}=${value}`);
  return [String(message.partition), String(message.offset), message.key ?? '-', compactJson(message.body), ...(attributes.length === 0 ? [] : [attributes.join(',')])].join('\t');
}

/** The one start the flags name; none: the oldest retained message, or with --follow only what comes next (kafka-console-consumer's default). */
function startOf(flags: TailFlags): TailStart['from'] {
  const named: TailStart['from'][] = [];
  if (flags.fromOffset !== undefined) named.push('offset');
  if (flags.fromTime !== undefined) named.push('time');
  if (flags.fromBeginning === true) named.push('beginning');
  if (named.length > 1) throw new CommandError('name one of --from-offset, --from-time and --from-beginning', ExitCode.Usage);
  return named[0] ?? (flags.follow === true ? 'end' : 'beginning');
}

/**
 * `conveyor tail <topic> [--partition p] [--from-offset o | --from-time t |
 * --from-beginning] [--follow] [--max n]`: prints a topic's log, one message
 * per line (NDJSON of the API's messages with --json). `--follow` keeps
 * polling until Ctrl-C, which exits 0.
 *
 * @example
 * program.addCommand(tailCommand());
 * // conveyor tail orders --from-time 15m --follow
 */
export function tailCommand(): Command {
  return new Command('tail')
    .description("print a topic's log like kafka-console-consumer: partition, offset, key, body (reads change no group or subscription)")
    .argument('<topic>', 'topic name')
    .addOption(new Option('--partition <p>', 'one partition (default: all)').argParser(integerIn('--partition', 0, 63)))
    .addOption(new Option('--from-offset <o>', 'start at this offset in each partition read').argParser(integerIn('--from-offset', 0, Number.MAX_SAFE_INTEGER)))
    .addOption(new Option('--from-time <time>', 'start at the first message published at or after this time: RFC 3339, or a duration ago (15m, 2h, 7d)').argParser(pointInTime('--from-time')))
    .option('--from-beginning', 'start at the oldest retained message (the default without --follow)')
    .option('-f, --follow', 'keep printing what is published until Ctrl-C; starts at the end unless a --from flag says otherwise')
    .addOption(new Option('--max <n>', 'stop after this many messages').argParser(integerIn('--max', 1, Number.MAX_SAFE_INTEGER)))
    .addOption(new Option('--poll-ms <ms>', 'pause between polls when following').argParser(integerIn('--poll-ms', 50, 60_000)).default(500))
    .action((topic: string, flags: TailFlags, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const from = startOf(flags);
        const details = await client.getTopic(topic);
        if (flags.partition !== undefined && flags.partition >= details.partitions) {
          throw new CommandError(`--partition must be between 0 and ${details.partitions - 1} (topic ${topic} has ${details.partitions} partitions), but ${flags.partition} was provided`, ExitCode.Usage);
        }
        const partitions = flags.partition === undefined ? details.stats.partitions.map((p) => p.partition) : [flags.partition];
        const start: TailStart =
          from === 'offset' ? { from, offset: flags.fromOffset! }
          : from === 'time' ? { from, time: flags.fromTime! }
          : from === 'end' ? { from, nextOffsets: new Map(details.stats.partitions.map((p) => [p.partition, p.nextOffset])) }
          : { from };
        const tail = new LogTail((partition, query) => client.readMessages(topic, partition, query), {
          partitions,
          start,
          follow: flags.follow === true,
          pollMs: flags.pollMs,
          ...(flags.max === undefined ? {} : { max: flags.max }),
        });
        if (flags.follow === true) process.stderr.write(`conveyor tail: following ${topic} (${partitions.length === 1 ? `partition ${partitions[0]}` : `${partitions.length} partitions`}) from ${describeStart(start)}; Ctrl-C stops\n`);
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          await tail.run((message) => (output.json ? output.record(message) : output.write(`${tailLine(message)}\n`)), stop.signal);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
}

/** Where a followed tail starts, for the line it prints on stderr once it knows. */
function describeStart(start: TailStart): string {
  if (start.from === 'end') return `the end (next offsets ${[...start.nextOffsets].map(([partition, offset]) => `${partition}:${offset}`).join(', ')})`;
  if (start.from === 'offset') return `offset ${start.offset}`;
  if (start.from === 'time') return start.time;
  return 'the oldest retained message';
}
