import { parseArgs } from 'node:util';
import { PROFILES } from './profile.js';
import { renderReport } from './report/table.js';
import { writeResults } from './report/writeResults.js';
import { runBenchmark } from './runBenchmark.js';
import { SCENARIO_IDS, type ScenarioId } from './scenarios/Scenario.js';
import { allSystems } from './systems.js';

const USAGE = `usage: npm run bench [-- --quick] [--systems ${allSystems()
  .map((system) => system.id)
  .join(',')}] [--scenarios ${SCENARIO_IDS.join(',')}] [--out bench/results] [--cpu-prof DIR]
       npm run bench -- --aws   (the AWS cost model)`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function pick<T extends string>(what: string, list: string | undefined, allowed: readonly T[]): T[] {
  if (list === undefined) return [...allowed];
  const chosen = list.split(',').map((item) => item.trim());
  const unknown = chosen.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0) fail(`unknown ${what} ${unknown.join(', ')}; choose from ${allowed.join(', ')}`);
  return chosen as T[];
}

/** The AWS cost model (bench/aws/main.ts), loaded only for `--aws`: it brings the AWS SDK and the emulator with it. */
async function runAws(argv: string[]): Promise<void> {
  const { main: runAwsCostModelCli } = await import('./aws/main.js');
  await runAwsCostModelCli(argv);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--aws')) return runAws(argv.filter((arg) => arg !== '--aws'));
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        systems: { type: 'string' },
        scenarios: { type: 'string' },
        out: { type: 'string', default: 'bench/results' },
        'cpu-prof': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // --cpu-prof DIR: each Conveyor server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  const cpuProfDir = values['cpu-prof'];
  const every = allSystems(cpuProfDir === undefined ? {} : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] });
  const systemIds = pick('system', values.systems, every.map((system) => system.id));
  const scenarios: ScenarioId[] = pick('scenario', values.scenarios, SCENARIO_IDS);
  const profile = values.quick ? PROFILES.quick : PROFILES.full;
  process.stdout.write(`Conveyor benchmark, ${profile.name} profile: ${systemIds.join(', ')}; scenarios ${scenarios.join(', ')}\n`);
  const started = Date.now();
  const result = await runBenchmark({
    profile,
    systems: every.filter((system) => systemIds.includes(system.id)),
    scenarios,
    log: (line) => process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s ${line}\n`),
  });
  process.stdout.write(`\n${renderReport(result)}\n`);
  const path = writeResults(result, values.out ?? 'bench/results');
  process.stdout.write(`\nResults written to ${path} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
