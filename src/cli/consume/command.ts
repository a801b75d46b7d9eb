import { Command, Option } from 'commander';
import { CommandError } from '../errors.js';
import { globalOptionsOf } from '../globalOptions.js';
import { integerIn } from '../options.js';
import { ConsumeRunner } from './ConsumeRunner.js';

interface ConsumeFlags {
  readonly handler: string;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly waitSeconds: number;
}

/** Exit code of a second Ctrl-C: 128 + SIGINT, as shells report it. */
const INTERRUPTED = 130;
/** After the last batch, how long open handles (keep-alive sockets, a handler's clients) may hold the process. */
const EXIT_GRACE_MS = 500;

/**
 * `conveyor consume <topic> <subscription> --handler <module[#export]>`: runs
 * an unchanged Lambda handler against a running Conveyor (ConsumeRunner). The
 * first SIGINT (or SIGTERM) finishes the batches in hand and exits 0; a second
 * exits at once with 130.
 *
 * @example
 * program.addCommand(consumeCommand());
 */
export function consumeCommand(): Command {
  return new Command('consume')
    .description('run a Lambda handler module (an SQS handler such as conveyor/lambda consume()) against a running Conveyor, as its event source mapping would on AWS')
    .argument('<topic>', 'topic name')
    .argument('<subscription>', 'subscription name')
    .requiredOption('--handler <module>', 'handler module and export, e.g. ./dist/billing.js#handler (export "handler" when none is named)')
    .addOption(new Option('--batch-size <n>', 'messages per invocation (one pull)').argParser(integerIn('--batch-size', 1, 100)).default(10))
    .addOption(new Option('--concurrency <n>', 'invocations at once, as the mapping\'s maximum concurrency').argParser(integerIn('--concurrency', 1, 64)).default(1))
    .addOption(new Option('--wait-seconds <n>', 'long-poll of each pull').argParser(integerIn('--wait-seconds', 0, 20)).default(20))
    .action(async (topic: string, subscription: string, flags: ConsumeFlags, command: Command) => {
      // --url and --token are the program's (globalOptions.ts), shared with every command that talks to a broker.
      const { url, token } = globalOptionsOf(command);
      const runner = new ConsumeRunner({
        topic,
        subscription,
        handler: flags.handler,
        url,
        ...(token === undefined ? {} : { token }),
        batchSize: flags.batchSize,
        concurrency: flags.concurrency,
        waitSeconds: flags.waitSeconds,
        cwd: process.cwd(),
        stderr: process.stderr,
      });
      const onSignal = (signal: NodeJS.Signals): void => {
        if (!runner.stopped) {
          runner.stop();
          process.stderr.write(`\n${signal}: finishing the batch in hand; ${signal} again quits at once\n`);
          return;
        }
        process.exit(INTERRUPTED);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        process.exitCode = await runner.run();
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        process.stderr.write(`conveyor consume: ${error.message}\n`);
        process.exitCode = error.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
    });
}
