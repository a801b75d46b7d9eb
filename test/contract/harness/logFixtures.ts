import type { Message, PartitionStats, PublishResult } from '../../../src/domain/types.js';
import { requireStatus } from './ApiClient.js';
import type { Conveyor, PublishInput } from './Conveyor.js';

/** Result of a message appended to the log now. */
export type AppendedResult = Extract<PublishResult, { offset: number }>;
/** Result of a message held back for later. */
export type DelayedResult = Extract<PublishResult, { scheduledFor: string }>;

/**
 * Kafka's own murmur2 test vectors (UtilsTest.testMurmur2 in the Java client): the
 * signed 32-bit hash of each key's UTF-8 bytes. Independent of Conveyor's code, so
 * partition expectations computed from them check compatibility with Kafka.
 */
export const KAFKA_MURMUR2_VECTORS = [
  { key: '21', hash: -973932308 },
  { key: 'foobar', hash: -790332482 },
  { key: 'a-little-bit-long-string', hash: -985981536 },
  { key: 'a-little-bit-longer-string', hash: -1486304829 },
  { key: 'lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', hash: -58897971 },
  { key: 'abc', hash: 479470107 },
] as const;

/** Kafka's default partitioner for a keyed record: `(murmur2(key) & 0x7fffffff) % partitions`. */
export function kafkaPartition(hash: number, partitions: number): number {
  return (hash & 0x7fffffff) % partitions;
}

/** `count` messages with bodies `{ n: 0 }`, `{ n: 1 }`, …, each with the given extra fields. */
export function numbered(count: number, extra: Omit<PublishInput, 'body'> = {}): PublishInput[] {
  return Array.from({ length: count }, (_, n) => ({ ...extra, body: { n } }));
}

/** Publishes and returns the results; anything but 200 fails the test with the server's answer. */
export async function publishOk(api: Conveyor, topic: string, messages: readonly PublishInput[]): Promise<PublishResult[]> {
  return requireStatus(`publishing to ${topic}`, await api.publish(topic, messages)).results;
}

/** The ids of publish results, in request order. */
export function idsOf(results: readonly PublishResult[]): string[] {
  return results.map((result) => result.id);
}

/** Narrows a publish result to one appended now; fails the test when it was delayed. */
export function appended(result: PublishResult | undefined): AppendedResult {
  if (result === undefined || !('offset' in result)) throw new Error(`expected an appended result, got ${JSON.stringify(result)}`);
  return result;
}

/** Narrows a publish result to one held back; fails the test when it was appended. */
export function delayed(result: PublishResult | undefined): DelayedResult {
  if (result === undefined || !('scheduledFor' in result)) throw new Error(`expected a delayed result, got ${JSON.stringify(result)}`);
  return result;
}

/** The topic's per-partition oldest and next offsets. */
export async function partitionStats(api: Conveyor, topic: string): Promise<PartitionStats[]> {
  const described = requireStatus(`describing ${topic}`, await api.getTopic(topic));
  if (described.stats === undefined) throw new Error(`describing ${topic} returned no partition stats`);
  return described.stats.partitions;
}

/** Messages retained by the topic, over all partitions. */
export async function retainedCount(api: Conveyor, topic: string): Promise<number> {
  return (await partitionStats(api, topic)).reduce((sum, p) => sum + p.nextOffset - p.oldestOffset, 0);
}

/** One page of a partition; fails the test on anything but 200. */
export async function readPage(api: Conveyor, topic: string, partition: number, query = ''): Promise<{ messages: Message[]; nextOffset: number }> {
  const { messages, nextOffset } = requireStatus(`reading ${topic}/${partition}`, await api.read(topic, partition, query));
  return { messages, nextOffset };
}

/** Every retained message of one partition, page by page from the oldest, with the partition's next offset. */
export async function readPartition(api: Conveyor, topic: string, partition: number): Promise<{ messages: Message[]; nextOffset: number }> {
  const messages: Message[] = [];
  let page = await readPage(api, topic, partition, 'limit=1000');
  messages.push(...page.messages);
  while (page.messages.length > 0) {
    page = await readPage(api, topic, partition, `fromOffset=${page.nextOffset}&limit=1000`);
    messages.push(...page.messages);
  }
  return { messages, nextOffset: page.nextOffset };
}

/** Every retained message of the topic, partition by partition, in offset order. */
export async function readAll(api: Conveyor, topic: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (const { partition } of await partitionStats(api, topic)) {
    messages.push(...(await readPartition(api, topic, partition)).messages);
  }
  return messages;
}
