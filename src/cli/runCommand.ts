import type { Command } from 'commander';
import { ConveyorClient, ConveyorError } from '../client/index.js';
import { CommandError } from './errors.js';
import { ExitCode } from './exitCodes.js';
import { globalOptionsOf, type GlobalOptions } from './globalOptions.js';
import { Output, type OutputStream } from './output/Output.js';
import { packageVersion } from './packageVersion.js';

/** What a command's body works with. */
export interface CommandContext {
  readonly client: ConveyorClient;
  /** stdout: the command's result. */
  readonly output: Output;
  /** stderr: progress, warnings, errors. */
  readonly stderr: OutputStream & NodeJS.WritableStream;
  readonly options: GlobalOptions;
}

/**
 * The exit code an error ends a command with (README, CLI): a refusal of the
 * API is 1, an answer that never came (or 5xx, 429 and timeouts after the
 * client's retries) is 3, a CommandError carries its own.
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof ConveyorError) return error.retryable ? ExitCode.Unavailable : ExitCode.Refused;
  if (error instanceof CommandError) return error.exitCode as ExitCode;
  return ExitCode.Refused;
}

/** An error as one line for a person: the API's status and code before its message. */
export function describeError(error: unknown): string {
  if (error instanceof ConveyorError) return error.status === 0 ? error.message : `${error.status} ${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** An error as the JSON line `--json` prints on stderr: the API's error shape, with the status. */
export function errorRecord(error: unknown): { error: { status?: number; code: string; message: string } } {
  if (error instanceof ConveyorError) return { error: { status: error.status, code: error.code, message: error.message } };
  return { error: { code: error instanceof CommandError && error.exitCode === ExitCode.Usage ? 'UsageError' : 'CommandFailed', message: describeError(error) } };
}

/** The client for the global options; a bad `--url` is a usage error. */
function clientFor(options: GlobalOptions): ConveyorClient {
  try {
    return new ConveyorClient({ url: options.url, ...(options.token === undefined ? {} : { token: options.token }), userAgent: `conveyor-cli/${packageVersion()}` });
  } catch (error) {
    throw new CommandError(`--url: ${(error as Error).message}`, ExitCode.Usage, { cause: error });
  }
}

/** `conveyor topics get`, for messages. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/**
 * Runs a command's body with a client, stdout and stderr, and ends the process
 * with the body's exit code, or with the code of what it threw (exitCodeOf),
 * after printing it on stderr: `conveyor topics get: 404 TopicNotFound: …`, or
 * with `--json` the API's error shape on one line.
 *
 * @example
 * .action((name: string, _flags, command: Command) => runCommand(command, async ({ client, output }) => {
 *   output.record(await client.getTopic(name));
 * }));
 */
export async function runCommand(command: Command, body: (context: CommandContext) => Promise<ExitCode | void>): Promise<void> {
  const options = globalOptionsOf(command);
  const output = Output.for(process.stdout, options.json);
  let exitCode: ExitCode;
  try {
    const client = clientFor(options);
    exitCode = (await body({ client, output, stderr: process.stderr, options })) ?? ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof ConveyorError || error instanceof CommandError)) throw error;
    process.stderr.write(output.json ? `${JSON.stringify(errorRecord(error))}\n` : `${commandPath(command)}: ${describeError(error)}\n`);
    exitCode = exitCodeOf(error);
  }
  process.exitCode = exitCode;
}
