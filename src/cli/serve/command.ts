import { Command } from 'commander';
import { runServer } from '../../server/runServer.js';

const USAGE = 'usage: conveyor serve [--backend sqlite|aws]';

/** Read when the CLI starts, so that a parent that died while the server was starting counts too. */
const PARENT = process.ppid;

/**
 * `conveyor serve`: what `npm start` does, from the installed package. The
 * broker on its embedded store (DATA_DIR), or `--backend aws` on an emulator;
 * the same environment variables; SIGINT and SIGTERM stop it cleanly (exit 0).
 * A bad flag or setting exits with 2, as `npm start` does.
 *
 * @example
 * program.addCommand(serveCommand());
 * // npx conveyor serve
 * // PORT=9000 DATA_DIR=/var/lib/conveyor npx conveyor serve
 * // npx conveyor serve --backend aws
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description('run the broker and its HTTP API, configured by the environment (PORT, DATA_DIR, AUTH_TOKENS, …; see the README)')
    .option('--backend <name>', 'sqlite (embedded, data in DATA_DIR) or aws (the AWS deployment on an emulator)', 'sqlite')
    .option('--stop-with-parent', 'stop cleanly when the parent process exits', false)
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
    .action(async (options: { backend: string; stopWithParent: boolean }) => {
      await runServer({ backend: options.backend, stopWithParent: options.stopWithParent, parent: PARENT, usage: USAGE });
    });
}
