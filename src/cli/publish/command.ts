import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { monotonicFactory } from 'ulidx';
import { ConveyorError, type ConveyorClient, type PublishResult } from '../../client/index.js';
import { PublishLimits } from '../../domain/constants.js';
import { CommandError } from '../errors.js';
import { ExitCode } from '../exitCodes.js';
import { integerIn, jsonValue, keyValue } from '../options.js';
import type { Output } from '../output/Output.js';
import { describeError, exitCodeOf, runCommand, type CommandContext } from '../runCommand.js';
import { BatchPipeline, PublishStopped } from './BatchPipeline.js';
import { Batcher, type Batch } from './Batcher.js';
import { messageOfLine, withDefaults, type LineReading, type MessageDefaults } from './messageOfLine.js';
import { ndjsonLines } from './ndjsonLines.js';
import { PublishProgress } from './PublishProgress.js';
import { summaryLine, summaryOf, type PublishSummary } from './publishSummary.js';

interface PublishFlags {
  readonly body?: unknown;
  readonly id?: string;
  readonly key?: string;
  readonly attr?: Record<string, string>;
  readonly delaySeconds?: number;
  readonly file?: string;
  readonly bodies?: boolean;
  readonly inFlight: number;
}

/** Where the NDJSON comes from, and its size when known. */
interface Source {
  readonly stream: NodeJS.ReadableStream;
  readonly size: number | undefined;
}

async function sourceOf(flags: PublishFlags): Promise<Source> {
  if (flags.file === undefined || flags.file === '-') {
    if (flags.file === undefined && process.stdin.isTTY === true) throw new CommandError('nothing to publish: give --body, or --file with NDJSON (- for stdin), or pipe NDJSON in', ExitCode.Usage);
    return { stream: process.stdin, size: undefined };
  }
  const file = flags.file;
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new CommandError(`cannot read --file ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, ExitCode.Usage);
  });
  return { stream: createReadStream(file, { highWaterMark: 1024 * 1024 }), size: info.isFile() ? info.size : undefined };
}

/** The API's error about `messages[i]` of a refused batch, with the input line it came from. */
function withLines(message: string, batch: Batch): string {
  return message.replace(/messages\[(\d+)\]/g, (text, index: string) => {
    const line = batch.lines[Number(index)];
    return line === undefined || line === 0 ? text : `${text} (line ${line})`;
  });
}

/** `published <id> to partition 3 at offset 12`, or when it waits, or when the topic had it. */
function resultLine(result: PublishResult): string {
  const where = 'scheduledFor' in result ? `scheduled for ${result.scheduledFor}` : `at partition ${result.partition}, offset ${result.offset}`;
  return result.duplicate ? `${result.id} was already published (${where}); not appended again` : `published ${result.id} ${where}`;
}

async function publishOne(context: CommandContext, topic: string, flags: PublishFlags, reading: LineReading): Promise<ExitCode> {
  if (flags.file !== undefined) throw new CommandError('give --body for one message or --file for NDJSON, not both', ExitCode.Usage);
  const message = withDefaults({ body: flags.body, ...(flags.id === undefined ? {} : { id: flags.id }) }, reading);
  const { results } = await context.client.publish(topic, [message]);
  const result = results[0]!;
  context.output.result(result, resultLine(result));
  return ExitCode.Ok;
}

/** Warns when retries could publish twice: the topic forgets ids at once. */
async function checkDedupWindow(client: ConveyorClient, topic: string, stderr: NodeJS.WritableStream): Promise<void> {
  const details = await client.getTopic(topic);
  if (details.dedupWindowSeconds === 0) {
    stderr.write(`warning: topic ${topic} has dedupWindowSeconds 0, so a batch sent again after a lost answer may be appended twice\n`);
  }
}

async function publishLines(context: CommandContext, topic: string, flags: PublishFlags, reading: LineReading): Promise<ExitCode> {
  const { client, output, stderr } = context;
  if (flags.id !== undefined) throw new CommandError('--id names one message; NDJSON lines carry their own "id"', ExitCode.Usage);
  const source = await sourceOf(flags);
  await checkDedupWindow(client, topic, stderr);
  const progress = new PublishProgress(stderr, source.size);
  const pipeline = new BatchPipeline(
    async (batch) => {
      const { results } = await client.publish(topic, [...batch.messages]);
      return { duplicates: results.filter((result) => result.duplicate).length };
    },
    flags.inFlight,
    (batch) => progress.published(batch),
  );
  async function* batches(): AsyncGenerator<Batch> {
    const batcher = new Batcher();
    for await (const line of ndjsonLines(source.stream as AsyncIterable<Buffer>)) {
      const full = batcher.add(messageOfLine(line, reading), line.number, line.bytes);
      if (full !== undefined) yield full;
    }
    const last = batcher.flush();
    if (last !== undefined) yield last;
  }

  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  const started = performance.now();
  progress.start();
  try {
    const totals = await pipeline.run(batches(), stop.signal);
    progress.stop();
    const summary = summaryOf(totals, (performance.now() - started) / 1000);
    if (stop.signal.aborted) {
      stderr.write(`interrupted: ${summaryLine(summary)}; every line up to ${summary.publishedThroughLine} is published\n`);
      return ExitCode.Interrupted;
    }
    output.result(summary, summaryLine(summary));
    return ExitCode.Ok;
  } catch (error) {
    progress.stop();
    if (!(error instanceof PublishStopped)) throw error;
    const summary = summaryOf(error.totals, (performance.now() - started) / 1000);
    return reportStopped(output, stderr, error, summary);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** What was published before publishing stopped, and why it stopped, on stderr. */
function reportStopped(output: Output, stderr: NodeJS.WritableStream, stopped: PublishStopped, summary: PublishSummary): ExitCode {
  const { reason, batch } = stopped;
  const where = batch === undefined ? '' : `lines ${batch.firstLine}-${batch.lastLine}: `;
  const message = `${where}${batch === undefined ? describeError(reason) : withLines(describeError(reason), batch)}`;
  const progress = `${summaryLine(summary)}; every line up to ${summary.publishedThroughLine} is published, later lines may be in part`;
  if (output.json) {
    const status = reason instanceof ConveyorError ? { status: reason.status, code: reason.code } : { code: 'UsageError' };
    stderr.write(`${JSON.stringify({ error: { ...status, message }, ...summary })}\n`);
  } else {
    stderr.write(`conveyor publish: ${message}\n${progress}\n`);
  }
  return exitCodeOf(reason);
}

/**
 * `conveyor publish <topic>`: one message from flags (`--body`), or NDJSON
 * from `--file` or stdin, batched into requests of up to 500 messages and the
 * API's request byte limit, several in flight, with a progress bar on a
 * terminal and a summary at the end. Every message without an id gets one (a
 * ULID) before it is first sent, so a batch the client sends again after a
 * lost answer is deduplicated by the topic instead of appended twice.
 *
 * @example
 * program.addCommand(publishCommand());
 * // conveyor publish orders --body '{"total":42}' --key customer-7 --attr region=eu
 * // conveyor publish orders --file orders.ndjson
 */
export function publishCommand(): Command {
  return new Command('publish')
    .description('publish one message (--body) or NDJSON lines (--file, or stdin), batched and pipelined')
    .argument('<topic>', 'topic name')
    .addOption(new Option('--body <json>', 'publish one message with this JSON body').argParser(jsonValue('--body')))
    .option('--id <id>', 'the message id (dedup); with --body only (default: a new ULID)')
    .option('--key <key>', 'partition key; for NDJSON, of every line without its own')
    .addOption(new Option('--attr <name=value>', 'an attribute (repeatable); for NDJSON, added to every line (a line\'s own win)').argParser(keyValue('--attr')))
    .addOption(new Option('--delay-seconds <n>', 'deliver this many seconds from now; for NDJSON, every line without its own delay').argParser(integerIn('--delay-seconds', PublishLimits.delaySeconds.min, PublishLimits.delaySeconds.max)))
    .option('--file <path>', 'NDJSON to publish, one message per line (- for stdin; stdin also when piped without --body)')
    .option('--bodies', 'every NDJSON line is a body, even an object with a "body" field')
    .addOption(new Option('--in-flight <n>', 'publish requests at once (1 keeps the input order of messages of one key across batches)').argParser(integerIn('--in-flight', 1, 32)).default(4))
    .addHelpText(
      'after',
      [
        '',
        'NDJSON lines: a JSON object with a "body" field is a message in the API\'s shape',
        '({"body":…,"key":…,"attributes":{…},"id":…,"delaySeconds":…,"deliverAt":…});',
        'any other JSON value is the body of a message. Blank lines are skipped.',
        'A message without an id gets a ULID before it is first sent, so a request sent again after a',
        "lost answer is deduplicated within the topic's dedupWindowSeconds (default 3600).",
      ].join('\n'),
    )
    .action((topic: string, flags: PublishFlags, command: Command) =>
      runCommand(command, async (context) => {
        const defaults: MessageDefaults = {
          ...(flags.key === undefined ? {} : { key: flags.key }),
          ...(flags.attr === undefined ? {} : { attributes: flags.attr }),
          ...(flags.delaySeconds === undefined ? {} : { delaySeconds: flags.delaySeconds }),
        };
        const reading: LineReading = { bodies: flags.bodies === true, defaults, newId: monotonicFactory() };
        return flags.body === undefined ? publishLines(context, topic, flags, reading) : publishOne(context, topic, flags, reading);
      }),
    );
}
