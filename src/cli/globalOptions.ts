import { Option, type Command } from 'commander';
import { EXIT_CODES_HELP } from './exitCodes.js';

/** The options every command that talks to a broker shares. */
export interface GlobalOptions {
  readonly url: string;
  readonly token?: string;
  /** true: `--json`; false: `--no-json`; undefined: JSON unless stdout is a terminal. */
  readonly json?: boolean;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/**
 * Adds `--url`, `--token` and `--json`/`--no-json` to the program. Commander
 * takes a program's options anywhere on the command line, before or after the
 * command (`conveyor --json topics list`, `conveyor topics list --json`), so
 * commands read them with `globalOptionsOf`. Their help lists them too.
 *
 * @example
 * addGlobalOptions(new Command('conveyor')).addCommand(topicsCommand());
 */
export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(new Option('--url <url>', "the broker's URL").env('CONVEYOR_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', 'bearer token for the API').env('CONVEYOR_TOKEN'))
    .addOption(new Option('--json', 'print results as NDJSON, one record per line (the default when stdout is not a terminal)'))
    .addOption(new Option('--no-json', 'print tables and lines for people, even into a pipe'))
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n`);
}

/** The global options as a command sees them (an empty token counts as none). */
export function globalOptionsOf(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<{ url: string; token?: string; json?: boolean }>();
  return {
    url: options.url,
    ...(options.token === undefined || options.token === '' ? {} : { token: options.token }),
    ...(options.json === undefined ? {} : { json: options.json }),
  };
}
