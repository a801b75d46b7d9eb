import type { Command } from 'commander';
import { ExitCode } from './exitCodes.js';

/**
 * What every command that talks to a broker shares, applied to `command` and
 * every command under it:
 * - commander's refusals (an unknown option, a missing argument, a bad value)
 *   exit with ExitCode.Usage instead of commander's 1, which these commands
 *   keep for the API's refusals; `--help` and `--version` still exit 0;
 * - their help lists the program's global options (`--url`, `--token`, `--json`).
 *
 * `consume`, `serve` and `emulator` keep their own exit codes and are not
 * passed through here.
 *
 * @example
 * program.addCommand(withCliConventions(topicsCommand()));
 */
export function withCliConventions(command: Command): Command {
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage));
  command.configureHelp({ showGlobalOptions: true });
  for (const child of command.commands) withCliConventions(child);
  return command;
}
