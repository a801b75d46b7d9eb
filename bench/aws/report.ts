import { consumerCostRows, CONSUMER_PUBLISH_BATCH, CONSUMER_SUBSCRIPTIONS, IDLE_MAPPING_POLLERS, idleMonthlyCost } from './consumerReport.js';
import type { AwsMeasurements } from './measurements.js';
import { costOf, conveyorMessage, eventBridgeToSqs, perMillion, snsToSqs, type CostBreakdown, type CostOptions, type ConveyorStages } from './model.js';
import { PARTITIONS, type Measurement } from './scenarios.js';
import { addUsage, FUNCTION_ROLES, perMessage, type Usage } from './usage.js';

const fmt = (value: number, digits = 3): string => (value === 0 ? '0' : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(digits));
export const usd = (value: number): string => `$${value.toFixed(2)}`;

/** A markdown table. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** Billed AWS requests per message, by who makes them, with the operations behind them. */
function requestSummary(measurement: Measurement): { functions: number; eventSource: number; free: number; operations: string } {
  let functions = 0;
  let eventSource = 0;
  let free = 0;
  const operations = new Map<string, number>();
  for (const [key, count] of Object.entries(measurement.requests)) {
    const [caller, operation = ''] = key.split(':');
    if (/\((free|idlePoll)\)$/.test(operation)) {
      free += count;
      continue;
    }
    if (caller === 'runner') eventSource += count;
    else functions += count;
    const name = operation.replace(/^[A-Za-z]+\./, '');
    operations.set(name, (operations.get(name) ?? 0) + count);
  }
  const listed = [...operations.entries()].sort(([, a], [, b]) => b - a).map(([name, count]) => `${name} ${fmt(count / measurement.messages)}`);
  return { functions: functions / measurement.messages, eventSource: eventSource / measurement.messages, free: free / measurement.messages, operations: listed.join(', ') };
}

function unitsRow(usage: Usage): string[] {
  const invocations = FUNCTION_ROLES.reduce((sum, role) => sum + usage.lambda[role].invocations, 0);
  const gbSeconds = FUNCTION_ROLES.reduce((sum, role) => sum + usage.lambda[role].gbSeconds, 0);
  return [
    fmt(usage.apiGatewayRequests),
    fmt(invocations),
    fmt(gbSeconds * 1000),
    fmt(usage.dynamoWriteUnits),
    fmt(usage.dynamoReadUnits),
    fmt(usage.eventBridgeEvents),
    fmt(usage.sqsRequests + usage.sqsFifoRequests),
    fmt(usage.serviceSqsSends),
    fmt(usage.schedulerInvocations),
  ];
}

const UNIT_HEADER = ['API GW req', 'Lambda inv', 'GB-ms', 'DynamoDB WRU', 'DynamoDB RRU', 'EventBridge events', 'SQS req (by you)', 'SQS sends (by a service)', 'Scheduler inv'];

/** Per-message usage of Conveyor's stages, at a publish batch, subscription count and pull batch. */
export function stagesOf(measurements: AwsMeasurements, subscriptions: number, publishBatch: number, pullBatch: number): ConveyorStages {
  const run = measurements.fanOut.find((entry) => entry.subscriptions === subscriptions && entry.batch === publishBatch);
  const pull = measurements.pullAck[measurements.pullBatches.indexOf(pullBatch)];
  if (run === undefined || pull === undefined) throw new Error(`no measurement for N=${subscriptions}, batch ${publishBatch}, pull ${pullBatch}`);
  // The fan-out already holds the copies for all N subscriptions; the consumer side is per subscription.
  return { publish: perMessage(run.publish.usage, run.publish.messages), fanOut: perMessage(run.fanOut.usage, run.fanOut.messages), consume: perMessage(pull.usage, pull.messages) };
}

export interface CostRow {
  readonly subscriptions: number;
  readonly publishBatch: number;
  readonly pullBatch: number;
  readonly conveyor: CostBreakdown;
  /** The same with Lambda billed for the handlers' CPU time only (a lower bound). */
  readonly conveyorCpu: CostBreakdown;
  readonly snsToSqs: CostBreakdown;
  readonly eventBridgeToSqs: CostBreakdown;
}

/** Dollars per million messages for every measured N and publish batch, at a pull batch. */
export function costRows(measurements: AwsMeasurements, pullBatch: number, options: CostOptions = {}): CostRow[] {
  const rows: CostRow[] = [];
  for (const run of measurements.fanOut) {
    const stages = stagesOf(measurements, run.subscriptions, run.batch, pullBatch);
    rows.push({
      subscriptions: run.subscriptions,
      publishBatch: run.batch,
      pullBatch,
      conveyor: perMillion(costOf(conveyorMessage(stages, run.subscriptions), options)),
      conveyorCpu: perMillion(costOf(conveyorMessage(stages, run.subscriptions), { ...options, lambdaDuration: 'cpu' })),
      snsToSqs: perMillion(costOf(snsToSqs(run.subscriptions, run.batch, pullBatch), options)),
      eventBridgeToSqs: perMillion(costOf(eventBridgeToSqs(run.subscriptions, run.batch, pullBatch), options)),
    });
  }
  return rows;
}

function largest(breakdown: CostBreakdown): string {
  const labels: Record<string, string> = { apiGateway: 'API GW', lambdaRequests: 'Lambda req', lambdaDuration: 'Lambda GB-s', dynamoWrites: 'DDB writes', dynamoReads: 'DDB reads', eventBridge: 'EventBridge', sqs: 'SQS', sns: 'SNS', scheduler: 'Scheduler' };
  return Object.entries(breakdown)
    .filter(([item, value]) => item !== 'total' && value > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([item, value]) => `${labels[item]} ${usd(value)}`)
    .join(', ');
}

/** The markdown tables of one run (docs/cost.md shows them). */
export function renderReport(measurements: AwsMeasurements): string {
  const sections: string[] = [];
  const phaseRows: string[][] = [];
  const unitRows: string[][] = [];
  const addPhase = (label: string, measurement: Measurement): void => {
    const summary = requestSummary(measurement);
    phaseRows.push([label, fmt(measurement.httpCalls / measurement.messages), fmt(summary.functions), fmt(summary.eventSource), fmt(summary.free), summary.operations || '–']);
    unitRows.push([label, ...unitsRow(perMessage(measurement.usage, measurement.messages))]);
  };
  for (const run of measurements.fanOut) addPhase(`publish, N=${run.subscriptions}, batch ${run.batch}`, run.publish);
  for (const run of measurements.fanOut) addPhase(`fan-out (relay + rules), N=${run.subscriptions}, batch ${run.batch}`, run.fanOut);
  measurements.pullAck.forEach((measurement, index) => addPhase(`pull+ack, max ${measurements.pullBatches[index]} (per subscription)`, measurement));
  for (const run of measurements.delayed) addPhase(`delayed ${run.delaySeconds} s: publish, batch ${run.batch}`, run.publish);
  for (const run of measurements.delayed) addPhase(`delayed ${run.delaySeconds} s: release + fan-out (N=1), batch ${run.batch}`, run.release);
  for (const run of measurements.lambdaConsumers) addPhase(`Lambda consumer, event source mapping, batch ${run.batchSize} (per subscription)`, run.consume);

  sections.push(
    `### AWS requests per message (1 KiB messages, up to ${measurements.messagesPerRun} per run and at most 20 publish calls, ${PARTITIONS} partitions)\n\n` +
      'Billed requests made by Conveyor\'s functions, billed requests made by Lambda\'s SQS event source mapping or Scheduler on its behalf, and free ones (DynamoDB Streams reads by the relay\'s trigger, control-plane calls, idle polls).\n\n' +
      table(['phase', 'HTTP calls', 'by functions', 'by event sources', 'free', 'billed operations per message'], phaseRows),
  );
  sections.push(`### Billable units per message\n\n${table(['phase', ...UNIT_HEADER], unitRows)}`);

  for (const pullBatch of [10, 100]) {
    if (!measurements.pullBatches.includes(pullBatch)) continue;
    const rows = costRows(measurements, pullBatch).map((row) => [String(row.subscriptions), String(row.publishBatch), ...comparisonCells(row)]);
    sections.push(
      `### Dollars per million messages, consumers pulling ${pullBatch} at a time\n\n` +
        table(['N subscriptions', 'publish batch', 'Conveyor', 'Conveyor, Lambda at CPU time', 'Conveyor by item', 'SNS→SQS by hand', 'EventBridge→SQS by hand', 'Conveyor ÷ SNS→SQS'], rows),
    );
  }

  const delayedRows = measurements.delayed.map((run) => {
    const immediate = measurements.fanOut.find((entry) => entry.subscriptions === 1 && entry.batch === run.batch);
    const delayed = perMillion(costOf(perMessage(addUsage(run.publish.usage, run.release.usage), run.publish.messages)));
    const plain = immediate === undefined ? undefined : perMillion(costOf(perMessage(addUsage(immediate.publish.usage, immediate.fanOut.usage), immediate.publish.messages)));
    return [`${run.delaySeconds} s`, String(run.batch), usd(delayed.total), plain === undefined ? '–' : usd(plain.total), plain === undefined ? '–' : usd(delayed.total - plain.total), largest(delayed)];
  });
  if (delayedRows.length > 0) {
    sections.push(
      '### Delayed delivery, dollars per million messages (publish to one subscription\'s queue, consumers not included)\n\n' +
        table(['delay', 'publish batch', 'delayed', 'same, not delayed', 'extra for the delay', 'delayed by item'], delayedRows),
    );
  }
  if (measurements.lambdaConsumers.length > 0) sections.push(renderConsumers(measurements));
  return sections.join('\n\n');
}

/** Conveyor (wall and CPU time, by item), the two hand-built options, and Conveyor's ratio to SNS→SQS. */
function comparisonCells(row: Pick<CostRow, 'conveyor' | 'conveyorCpu' | 'snsToSqs' | 'eventBridgeToSqs'>): string[] {
  return [
    usd(row.conveyor.total),
    usd(row.conveyorCpu.total),
    largest(row.conveyor),
    usd(row.snsToSqs.total),
    usd(row.eventBridgeToSqs.total),
    `${(row.conveyor.total / row.snsToSqs.total).toFixed(1)}×`,
  ];
}

/** Pulling through the API against Lambda functions fed by event source mappings, at N = 3, beside the hand-built options with the same consumers. */
function renderConsumers(measurements: AwsMeasurements): string {
  const rows = consumerCostRows(measurements).map((row) => [row.path, ...comparisonCells(row), `${usd(row.consumerSide.total)} (${largest(row.consumerSide)})`]);
  const idle = idleMonthlyCost(measurements.memoryMb['api'] ?? 512);
  return (
    `### Consumers at N = ${CONSUMER_SUBSCRIPTIONS}, publish batch ${CONSUMER_PUBLISH_BATCH}: pulling through the API, or a Lambda function per subscription through an SQS event source mapping\n\n` +
    'Dollars per million messages: publish, fan-out, and the consumer side of each subscription. The hand-built options get the same kind of consumer ' +
    '(a program calling SQS for the pull rows; the same Lambda function and mapping for the others). The mapping\'s receives and deletes are billed as SQS requests; ' +
    'the consumer function is billed for its invocations and for what `consume()` takes around a handler that does nothing, at 128 MB; a pulling consumer\'s own compute is left out.\n\n' +
    table(['consumers', 'Conveyor', 'Conveyor, Lambda at CPU time', 'Conveyor by item', 'SNS→SQS by hand', 'EventBridge→SQS by hand', 'Conveyor ÷ SNS→SQS', 'consumer side per subscription'], rows) +
    `\n\nWaiting with no messages, per subscription and 30-day month (from the price table, not measured): a consumer long-polling the API (\`waitSeconds: 20\`) ${usd(idle.pullingConsumer)}; ` +
    `an event source mapping, ${IDLE_MAPPING_POLLERS} pollers assumed, ${usd(idle.eventSourceMapping)}.`
  );
}
