import type { DeadLetter, Message, Schedule } from '../../../src/domain/types.js';
import { requireStatus } from './ApiClient.js';
import type { Conveyor, GroupView, SubscriptionView, TopicView } from './Conveyor.js';
import { readPartition } from './logFixtures.js';
import { withoutAge, type SubscriptionCounts } from './queueFixtures.js';

/** A consumer group to include in a snapshot: groups cannot be listed through the API. */
export interface GroupRef {
  readonly topic: string;
  readonly group: string;
}

/**
 * A subscription as a snapshot keeps it. The age of the oldest unacked message is left
 * out: it grows with the clock, so it differs between two snapshots
 * of unchanged data; the counts it derives from are kept.
 */
export type SubscriptionSnapshot = Omit<SubscriptionView, 'stats'> & { readonly stats: SubscriptionCounts };

export interface TopicSnapshot {
  readonly topic: TopicView;
  readonly partitions: ReadonlyArray<{ readonly messages: Message[]; readonly nextOffset: number }>;
  readonly subscriptions: ReadonlyArray<{ readonly subscription: SubscriptionSnapshot; readonly deadLetters: DeadLetter[] }>;
}

/** Everything the API lets a client observe without changing it. */
export interface BrokerSnapshot {
  readonly topics: TopicSnapshot[];
  readonly schedules: Schedule[];
  readonly groups: GroupView[];
}

const PAGE = 1000;

async function captureTopic(api: Conveyor, name: string): Promise<TopicSnapshot> {
  const topic = requireStatus(`snapshot: get topic ${name}`, await api.getTopic(name));
  const partitions = [];
  for (let partition = 0; partition < topic.partitions; partition += 1) partitions.push(await readPartition(api, name, partition));
  const listed = requireStatus(`snapshot: list subscriptions of ${name}`, await api.listSubscriptions(name)).subscriptions;
  const subscriptions = [];
  for (const subscription of [...listed].sort((a, b) => a.name.localeCompare(b.name))) {
    const deadLetters = requireStatus(`snapshot: dead letters of ${name}/${subscription.name}`, await api.deadLetters(name, subscription.name, PAGE)).messages;
    subscriptions.push({ subscription: { ...subscription, stats: withoutAge(subscription.stats) }, deadLetters });
  }
  return { topic, partitions, subscriptions };
}

/**
 * Captures, through read-only requests, every topic with its partition stats and
 * messages, every subscription with its stats and dead letters, every schedule,
 * and the listed consumer groups. Two snapshots are equal when nothing a client
 * can see has changed (except ages, which grow with time).
 *
 * @example
 * const before = await captureSnapshot(api, [{ topic: 'orders', group: 'audit' }]);
 * await api.publish('orders', []); // rejected
 * expect(await captureSnapshot(api, [{ topic: 'orders', group: 'audit' }])).toEqual(before);
 */
export async function captureSnapshot(api: Conveyor, groups: readonly GroupRef[] = []): Promise<BrokerSnapshot> {
  const names = requireStatus('snapshot: list topics', await api.listTopics()).topics.map((topic) => topic.name).sort();
  const topics = [];
  for (const name of names) topics.push(await captureTopic(api, name));
  const schedules = [...requireStatus('snapshot: list schedules', await api.listSchedules()).schedules].sort((a, b) => a.name.localeCompare(b.name));
  const groupStates = [];
  for (const { topic, group } of groups) groupStates.push(requireStatus(`snapshot: group ${topic}/${group}`, await api.getGroup(topic, group)));
  return { topics, schedules, groups: groupStates };
}
