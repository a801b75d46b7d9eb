import { Command, Option } from 'commander';
import type { Delivery } from '../../client/index.js';
import { AckLimits, PullLimits } from '../../domain/constants.js';
import { CommandError } from '../errors.js';
import { ExitCode } from '../exitCodes.js';
import { integerIn } from '../options.js';
import type { Column } from '../output/table.js';
import { compactJson } from '../output/units.js';
import { runCommand } from '../runCommand.js';
import { reportSettled, settleAll } from './settle.js';

interface PullFlags {
  readonly max: number;
  readonly waitSeconds: number;
  readonly ack?: boolean;
}

interface NackFlags {
  readonly reason?: string;
  readonly delaySeconds?: number;
}

/** A delivery as printed once acked: its ack id is spent. */
type Printed = Omit<Delivery, 'ackId'>;

const COLUMNS: readonly Column<Printed>[] = [
  { heading: 'ID', value: (d) => d.id },
  { heading: 'PARTITION', value: (d) => d.partition, align: 'right' },
  { heading: 'OFFSET', value: (d) => d.offset, align: 'right' },
  { heading: 'ATTEMPT', value: (d) => d.deliveryAttempt, align: 'right' },
  { heading: 'KEY', value: (d) => d.key },
  { heading: 'BODY', value: (d) => compactJson(d.body), maxWidth: 60 },
];
const ACK_ID: Column<Delivery> = { heading: 'ACK ID', value: (d) => d.ackId };

/** The ack ids named on the command line; `-` reads more from stdin, one per line. */
async function ackIdsOf(args: readonly string[], stdin: NodeJS.ReadableStream): Promise<string[]> {
  const ids: string[] = [];
  for (const arg of args) {
    if (arg !== '-') {
      ids.push(arg);
      continue;
    }
    let text = '';
    for await (const chunk of stdin) text += chunk.toString();
    ids.push(...text.split('\n').map((line) => line.trim()).filter((line) => line !== ''));
  }
  if (ids.length === 0) throw new CommandError('no ack ids: name them, or pass - and pipe them in, one per line', ExitCode.Usage);
  const tooLong = ids.find((id) => id.length > AckLimits.ackIdLength);
  if (tooLong !== undefined) throw new CommandError(`an ack id has at most ${AckLimits.ackIdLength} characters, but one of ${tooLong.length} was provided`, ExitCode.Usage);
  return ids;
}

/**
 * `conveyor pull <topic> <sub> [--max N] [--wait-seconds s] [--ack]`: leases
 * messages and prints them with their ack ids, or acks them right after
 * printing them (`--ack`, when printing is all the handling they need).
 *
 * @example
 * program.addCommand(pullCommand());
 * // conveyor pull orders billing --max 10 --wait-seconds 5
 */
export function pullCommand(): Command {
  return new Command('pull')
    .description('lease messages of a subscription and print them with their ack ids (--ack: ack them once printed)')
    .argument('<topic>', 'topic name')
    .argument('<subscription>', 'subscription name')
    .addOption(new Option('--max <n>', 'most messages to lease').argParser(integerIn('--max', PullLimits.max.min, PullLimits.max.max)).default(PullLimits.max.default))
    .addOption(new Option('--wait-seconds <s>', 'long-poll this long for a first message').argParser(integerIn('--wait-seconds', PullLimits.waitSeconds.min, PullLimits.waitSeconds.max)).default(PullLimits.waitSeconds.default))
    .option('--ack', 'ack every message once it is printed')
    .action((topic: string, subscription: string, flags: PullFlags, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const { messages } = await client.pull(topic, subscription, { max: flags.max, waitSeconds: flags.waitSeconds });
        if (flags.ack !== true) {
          output.list(messages, [...COLUMNS, ACK_ID], 'no messages');
          return ExitCode.Ok;
        }
        output.list<Printed>(
          messages.map(({ ackId: _spent, ...message }) => message),
          COLUMNS,
          'no messages',
        );
        if (messages.length === 0) return ExitCode.Ok;
        const settled = await settleAll(
          messages.map((message) => message.ackId),
          (chunk) => client.ack(topic, subscription, chunk),
        );
        // In JSON mode stdout holds only the messages; a failed ack is said on stderr.
        if (settled.notAcked === 0) return ExitCode.Ok;
        process.stderr.write(`${command.name()}: ${settled.notAcked} of ${messages.length} messages were not acked (${settled.failed.map((f) => f.code).join(', ')}); they will be delivered again\n`);
        return ExitCode.Partial;
      }),
    );
}

/**
 * `conveyor ack <topic> <sub> <ackId...>`: acks, naming every ack id that did
 * nothing (exit 4 then). `-` reads ack ids from stdin.
 *
 * @example
 * program.addCommand(ackCommand());
 * // conveyor pull orders billing --json | jq -r .ackId | conveyor ack orders billing -
 */
export function ackCommand(): Command {
  return new Command('ack')
    .description('acknowledge deliveries: they are done and never delivered to this subscription again')
    .argument('<topic>', 'topic name')
    .argument('<subscription>', 'subscription name')
    .argument('<ackIds...>', 'ack ids from a pull; - reads them from stdin, one per line')
    .action((topic: string, subscription: string, args: string[], _flags: object, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const ackIds = await ackIdsOf(args, process.stdin);
        return reportSettled(output, 'acked', await settleAll(ackIds, (chunk) => client.ack(topic, subscription, chunk)), ackIds.length);
      }),
    );
}

/**
 * `conveyor nack <topic> <sub> <ackId...> [--reason r] [--delay-seconds s]`:
 * gives deliveries back, to come again after the retry backoff (or the delay).
 *
 * @example
 * program.addCommand(nackCommand());
 * // conveyor nack orders billing <ackId> --reason "smtp timeout"
 */
export function nackCommand(): Command {
  return new Command('nack')
    .description('give deliveries back: each comes again after its retry backoff, and is dead-lettered after maxDeliveries')
    .argument('<topic>', 'topic name')
    .argument('<subscription>', 'subscription name')
    .argument('<ackIds...>', 'ack ids from a pull; - reads them from stdin, one per line')
    .option('--reason <text>', `why processing failed, kept as the dead letter's lastError (at most ${AckLimits.reasonLength} characters)`)
    .addOption(new Option('--delay-seconds <s>', 'redeliver after this delay instead of the retry backoff').argParser(integerIn('--delay-seconds', AckLimits.nackDelaySeconds.min, AckLimits.nackDelaySeconds.max)))
    .action((topic: string, subscription: string, args: string[], flags: NackFlags, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const ackIds = await ackIdsOf(args, process.stdin);
        const settled = await settleAll(ackIds, (chunk) =>
          client.nack(topic, subscription, {
            ackIds: chunk,
            ...(flags.reason === undefined ? {} : { reason: flags.reason }),
            ...(flags.delaySeconds === undefined ? {} : { delaySeconds: flags.delaySeconds }),
          }),
        );
        return reportSettled(output, 'nacked', settled, ackIds.length);
      }),
    );
}
