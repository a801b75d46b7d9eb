import { setTimeout as sleep } from 'node:timers/promises';
import { Command, Option } from 'commander';
import { integerIn } from '../options.js';
import { runCommand } from '../runCommand.js';
import { StatsSampler, viewOf, type StatsSample } from './StatsSampler.js';
import { statsLines, statsTable } from './statsText.js';

interface StatsFlags {
  readonly watch?: boolean;
  readonly interval: number;
}

/** Moves the cursor up `lines` lines to the start and clears from there down: the previous drawing goes. */
function erase(lines: number): string {
  return lines === 0 ? '' : `\x1b[${lines}F\x1b[J`;
}

/**
 * `conveyor stats <topic> [<sub>] [--watch [--interval s]]`: backlog, in
 * flight, delayed, dead letters and the oldest unacked age of a topic's
 * subscriptions (or one), with published and acked rates from successive
 * samples under `--watch`: redrawn in place on a terminal, one line (NDJSON
 * with --json) per interval elsewhere, until Ctrl-C, which exits 0.
 *
 * @example
 * program.addCommand(statsCommand());
 * // conveyor stats orders --watch --interval 2
 */
export function statsCommand(): Command {
  return new Command('stats')
    .description("a topic's subscriptions (or one): backlog, in flight, delayed, dead letters, oldest unacked age; with --watch also published and acked per second")
    .argument('<topic>', 'topic name')
    .argument('[subscription]', 'only this subscription')
    .option('-w, --watch', 'sample again every interval until Ctrl-C, with rates')
    .addOption(new Option('--interval <s>', 'seconds between samples').argParser(integerIn('--interval', 1, 3600)).default(2))
    .action((topic: string, subscription: string | undefined, flags: StatsFlags, command: Command) =>
      runCommand(command, async ({ client, output }) => {
        const sampler = new StatsSampler(client, topic, subscription);
        const terminal = !output.json && process.stdout.isTTY === true;
        if (flags.watch !== true) {
          const view = viewOf(await sampler.sample());
          if (output.json) output.record(view);
          else output.write(terminal ? statsTable(view) : statsLines(view));
          return;
        }
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        let previous: StatsSample | undefined;
        let drawn = 0;
        try {
          while (!stop.signal.aborted) {
            const sample = await sampler.sample();
            const view = viewOf(sample, previous);
            previous = sample;
            if (output.json) {
              output.record(view);
            } else if (terminal) {
              const text = statsTable(view);
              output.write(`${erase(drawn)}${text}`);
              drawn = text.split('\n').length - 1;
            } else {
              output.write(statsLines(view));
            }
            await sleep(flags.interval * 1000, undefined, { signal: stop.signal }).catch(() => undefined);
          }
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
}
