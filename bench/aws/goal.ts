import { consumerCostRows, CONSUMER_SUBSCRIPTIONS } from './consumerReport.js';
import type { AwsMeasurements } from './measurements.js';
import { costRows, usd } from './report.js';


/** One priced configuration beside hand-built SNS→SQS with the same consumers. */
export interface AwsGoalRow {
  readonly label: string;
  readonly subscriptions: number;
  readonly conveyor: number;
  readonly snsToSqs: number;
  readonly ratio: number;
}

/**
 * Issue 11's AWS goal: dollars per million messages at N = 3 below hand-built
 * SNS→SQS in the same cost model, with consumers pulling through the API and
 * consuming through Lambda event source mappings; N = 1 and 10 reported beside.
 * Met when the cheapest N = 3 configuration is below SNS→SQS.
 */
export function awsGoal(measurements: AwsMeasurements): { met: boolean | undefined; rows: AwsGoalRow[] } {
  const row = (label: string, subscriptions: number, conveyor: number, snsToSqs: number): AwsGoalRow => ({ label, subscriptions, conveyor, snsToSqs, ratio: conveyor / snsToSqs });
  const rows: AwsGoalRow[] = [];
  for (const pullBatch of measurements.pullBatches.filter((batch) => batch >= 10)) {
    for (const cost of costRows(measurements, pullBatch)) {
      rows.push(row(`publish ${cost.publishBatch}, pulling ${pullBatch} at a time`, cost.subscriptions, cost.conveyor.total, cost.snsToSqs.total));
    }
  }
  for (const cost of consumerCostRows(measurements)) {
    if (cost.path.startsWith('Lambda')) rows.push(row(`publish ${cost.publishBatch}, ${cost.path}`, CONSUMER_SUBSCRIPTIONS, cost.conveyor.total, cost.snsToSqs.total));
  }
  const atThree = rows.filter((entry) => entry.subscriptions === CONSUMER_SUBSCRIPTIONS);
  return { met: atThree.length === 0 ? undefined : atThree.some((entry) => entry.ratio < 1), rows };
}

/** The goal's verdict (met when some N = 3 configuration is below 1×), the cheapest N = 3 configuration, and every row, cheapest first within each N. */
export function renderAwsGoal(measurements: AwsMeasurements): string {
  const { met, rows } = awsGoal(measurements);
  const verdict = met === undefined ? 'not judged on this run (no N = 3 figures)' : met ? 'MET' : 'NOT MET';
  const best = rows.filter((entry) => entry.subscriptions === CONSUMER_SUBSCRIPTIONS).sort((a, b) => a.conveyor - b.conveyor)[0];
  const lines = [...rows]
    .sort((a, b) => a.subscriptions - b.subscriptions || a.conveyor - b.conveyor)
    .map((entry) => `- N = ${entry.subscriptions}, ${entry.label}: ${usd(entry.conveyor)} against ${usd(entry.snsToSqs)}, ${entry.ratio.toFixed(2)}×`);
  return [
    `### Goal: dollars per million messages at N = ${CONSUMER_SUBSCRIPTIONS} below hand-built SNS→SQS`,
    '',
    `${verdict}${best === undefined ? '' : `: the cheapest N = ${CONSUMER_SUBSCRIPTIONS} configuration (${best.label}) costs ${usd(best.conveyor)} against ${usd(best.snsToSqs)}, ${best.ratio.toFixed(2)}× (needs below 1×)`}.`,
    '',
    ...lines,
  ].join('\n');
}
