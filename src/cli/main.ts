#!/usr/bin/env node
import { Command } from 'commander';
import { consumeCommand } from './consume/command.js';
import { withCliConventions } from './conventions.js';
import { deadLettersCommand } from './deadLetters/command.js';
import { delayedCommand } from './delayed/command.js';
import { ackCommand, nackCommand, pullCommand } from './delivery/command.js';
import { emulatorCommand } from './emulator/command.js';
import { addGlobalOptions } from './globalOptions.js';
import { packageVersion } from './packageVersion.js';
import { publishCommand } from './publish/command.js';
import { schedulesCommand } from './schedules/command.js';
import { serveCommand } from './serve/command.js';
import { statsCommand } from './stats/command.js';
import { subscriptionsCommand } from './subscriptions/command.js';
import { tailCommand } from './tail/command.js';
import { topicsCommand } from './topics/command.js';

// A reader that went away (`conveyor tail orders | head`) ends the output, not with an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/**
 * The `conveyor` command. Each command lives in its own folder and is only
 * listed here. The commands that talk to a broker share `--url`, `--token`
 * and `--json` and the exit codes of exitCodes.ts.
 */
const program = addGlobalOptions(new Command('conveyor'))
  .description('Conveyor: messaging on AWS or embedded, behind one HTTP API')
  .version(packageVersion());
withCliConventions(program);
for (const command of [topicsCommand(), subscriptionsCommand(), schedulesCommand(), publishCommand(), pullCommand(), ackCommand(), nackCommand(), tailCommand(), deadLettersCommand(), delayedCommand(), statsCommand()]) {
  program.addCommand(withCliConventions(command));
}
program.addCommand(consumeCommand()).addCommand(emulatorCommand()).addCommand(serveCommand());

await program.parseAsync(process.argv);
