import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureCompression, renderCompression } from './compression.js';
import { CostDeployment } from './deployment.js';
import { PRICES } from './prices.js';
import { measureLambdaConsumers } from './lambdaConsumer.js';
import type { AwsMeasurements } from './measurements.js';
import { measureEmulatedFanOut, renderEmulatedFanOut, type EmulatedFanOut } from './emulatedFanOut.js';
import { renderAwsGoal } from './goal.js';
import { costRows, renderReport, type CostRow } from './report.js';
import { measureDelayed, measureFanOut, PULL_BATCHES } from './scenarios.js';

export interface AwsCostModelOptions {
  /** Messages per measured run (each subscription count × publish batch, each delay × batch). @default 100 (quick: 20) */
  readonly messages?: number;
  /** Fewer messages and only the short delay: a smoke run for CI. */
  readonly quick?: boolean;
  /** Delays measured, in seconds: within 15 minutes the delay queue, beyond it Scheduler too. @default [60, 3600] */
  readonly delays?: readonly number[];
  /** Where to write the JSON results; `null` writes none. @default bench/aws/results/<timestamp>.json */
  readonly outFile?: string | null;
  /** Progress and the final tables. @default console.log */
  readonly log?: (line: string) => void;
}

export interface AwsCostModelResult {
  readonly measurements: AwsMeasurements;
  /** Fan-out on the local emulator as a developer sees it, idle and busy. */
  readonly emulatedFanOut: readonly EmulatedFanOut[];
  /** Dollars per million messages, consumers pulling 10 at a time. */
  readonly costs: readonly CostRow[];
  /** The same with consumers pulling 100 at a time. */
  readonly costsPull100: readonly CostRow[];
  readonly markdown: string;
  readonly outFile: string | null;
}

/** bench/aws/results of this checkout, whether this module runs from bench/aws or dist/bench/aws. */
function resultsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'bench', 'aws', 'results');
}

/**
 * The AWS cost model (`npm run bench -- --aws`): deploys ConveyorStack on a
 * moto server of its own, runs every Lambda handler in this process under a
 * meter that turns each AWS request into billable units, measures publish,
 * fan-out, pull+ack and delayed delivery for 1 KiB messages, and prices them
 * with bench/aws/prices.ts beside hand-built SNS→SQS and EventBridge→SQS.
 *
 * @example
 * const { costs } = await runAwsCostModel({ quick: true, outFile: null });
 */
export async function runAwsCostModel(options: AwsCostModelOptions = {}): Promise<AwsCostModelResult> {
  const started = Date.now();
  const print = options.log ?? ((line: string) => console.log(line));
  const log = (line: string): void => print(line.startsWith('  ') ? `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s${line}` : line);
  const messages = options.messages ?? (options.quick === true ? 20 : 100);
  const delays = options.delays ?? (options.quick === true ? [60] : [60, 3600]);
  log(`AWS cost model: ConveyorStack on moto, messages of 1 KiB, up to ${messages} per run (20 publish calls at most)`);
  const deployment = await CostDeployment.start();
  let measurements: AwsMeasurements;
  try {
    const { fanOut, pullAck } = await measureFanOut(deployment, messages, log);
    const delayed = await measureDelayed(deployment, messages, delays, log);
    const lambdaConsumers = await measureLambdaConsumers(deployment, messages, log);
    const compression = await measureCompression(deployment, messages, log);
    measurements = { messagesPerRun: messages, memoryMb: deployment.memoryMb, fanOut, pullAck, pullBatches: [...PULL_BATCHES], delayed, lambdaConsumers, compression };
  } finally {
    await deployment.stop();
  }
  const emulatedFanOut = await measureEmulatedFanOut(log);
  const markdown = `${renderAwsGoal(measurements)}\n\n${renderReport(measurements)}\n\n${renderCompression(measurements.compression)}\n\n${renderEmulatedFanOut(emulatedFanOut)}`;
  log(`\n${markdown}\n`);
  log(`measured in ${((Date.now() - started) / 1000).toFixed(0)} s; prices: bench/aws/prices.ts (us-east-1, ${PRICES.lambdaRequest.asOf})`);
  const result = { measurements, emulatedFanOut, costs: costRows(measurements, 10), costsPull100: costRows(measurements, 100), markdown };
  const outFile = options.outFile === undefined ? join(resultsDir(), `${new Date().toISOString().replace(/[:.]/g, '-')}.json`) : options.outFile;
  if (outFile !== null) {
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify({ date: new Date().toISOString(), prices: PRICES, ...result }, null, 2)}\n`);
    log(`results written to ${outFile}`);
  }
  return { ...result, outFile };
}

/**
 * The command line of `npm run bench -- --aws [--quick] [--messages n] [--out file]`
 * (bench/main.ts hands over the arguments after `--aws`).
 */
export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { quick: { type: 'boolean', default: false }, messages: { type: 'string' }, out: { type: 'string' } },
  });
  const messages = values.messages === undefined ? undefined : Number(values.messages);
  if (messages !== undefined && !(Number.isInteger(messages) && messages > 0)) throw new Error(`--messages must be a positive integer, but ${values.messages} was given`);
  await runAwsCostModel({ quick: values.quick, ...(messages === undefined ? {} : { messages }), ...(values.out === undefined ? {} : { outFile: values.out }) });
}

// Run directly: node dist/bench/aws/main.js [--quick]
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
