#!/usr/bin/env node
import { Command } from 'commander';
import { consumeCommand } from './consume/command.js';
import { emulatorCommand } from './emulator/command.js';
import { packageVersion } from './packageVersion.js';
import { serveCommand } from './serve/command.js';

/**
 * The `conveyor` command. Each command lives in its own folder and is only
 * listed here.
 */
const program = new Command('conveyor')
  .description('Conveyor: messaging on AWS or embedded, behind one HTTP API')
  .version(packageVersion())
  .addCommand(consumeCommand())
  .addCommand(emulatorCommand())
  .addCommand(serveCommand());

await program.parseAsync(process.argv);
