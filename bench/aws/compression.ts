import { BODY_KINDS, type BodyKind } from './bodies.js';
import type { CostDeployment } from './deployment.js';
import { costOf, perMillion } from './model.js';
import { table, usd } from './report.js';
import { createTopic, publishAll, runMessages, take, type Measurement } from './scenarios.js';
import { perMessage } from './usage.js';

/** Publish batches the compression phase measures. */
const BATCHES = [10, 100] as const;

/** One body kind published at one batch size. */
export interface CompressionMeasurement {
  readonly body: BodyKind;
  readonly batch: number;
  readonly publish: Measurement;
}

const DESCRIPTIONS: Readonly<Record<BodyKind, string>> = {
  'order-event': 'order events (the bodies of every other table)',
  random: 'random bytes as base64 text',
  padding: 'one letter repeated (the bodies of earlier runs)',
};

/**
 * What the log's compression of record batches does with bodies of each kind:
 * publishes of 1 KiB messages to a topic of four partitions without
 * subscriptions, at batch 10 and 100. Only the publish is billed here: it is
 * the write of the batch, the part that compression changes.
 */
export async function measureCompression(deployment: CostDeployment, messages: number, progress: (line: string) => void): Promise<CompressionMeasurement[]> {
  const results: CompressionMeasurement[] = [];
  for (const body of BODY_KINDS) {
    const topic = `bodies-${body}`;
    await createTopic(deployment, topic, 0);
    for (const batch of BATCHES) {
      const count = runMessages(messages, batch);
      const calls = await publishAll(deployment, topic, count, batch, {}, body);
      results.push({ body, batch, publish: take(deployment, count, calls) });
      await deployment.runner.settle(true);
      deployment.meter.take(); // the relay's heads: the same for every body
      progress(`  bodies   ${body.padEnd(11)} batch=${String(batch).padStart(3)}: ${count} messages in ${calls} publish calls`);
    }
    await deployment.call('DELETE', `/v1/topics/${topic}`);
    deployment.meter.take();
  }
  return results;
}

/** DynamoDB write units and dollars per million messages, by body kind and publish batch. */
export function renderCompression(results: readonly CompressionMeasurement[]): string {
  const rows = results.map(({ body, batch, publish }) => {
    const usage = perMessage(publish.usage, publish.messages);
    return [DESCRIPTIONS[body], String(batch), usage.dynamoWriteUnits.toFixed(2), usd(perMillion(costOf(usage)).dynamoWrites)];
  });
  return (
    '### Record batches compressed: what the body does to the log\'s writes\n\n' +
    'Publishes of 1 KiB messages at batch 10 and 100 to 4 partitions; DynamoDB write units per message of the publish call (the batch put and the topic check).\n\n' +
    table(['body', 'publish batch', 'WRU per message', 'DynamoDB writes, $/million'], rows)
  );
}
