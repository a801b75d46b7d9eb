import type { DeadLetter, Message, Schedule } from '../../../src/domain/types.js';
import type { Conveyor, GroupView, SubscriptionView, TopicView } from './Conveyor.js';

/** A consumer group to include in a snapshot: groups cannot be listed through the API. */
export interface GroupRef {
  readonly topic: string;
  readonly group: string;
}

/**
 * A subscription as a snapshot keeps it. The age of the oldest unacked message is left
 * out: it grows with the clock (in whole seconds), so it differs between two snapshots
 * of unchanged data; the counts it derives from are kept.
 */
export type SubscriptionSnapshot = Omit<SubscriptionView, 'stats'> & {
  readonly stats: Omit<SubscriptionView['stats'], 'oldestUnackedAgeSeconds'>;
};

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

function expectOk<T>(what: string, response: { status: number; body: T; text: string }): T {
  if (response.status !== 200) throw new Error(`snapshot: ${what} answered ${response.status}: ${response.text}`);
  return response.body;
}

async function readPartition(api: Conveyor, topic: string, partition: number): Promise<{ messages: Message[]; nextOffset: number }> {
  const messages: Message[] = [];
  let page = expectOk(`read ${topic}/${partition}`, await api.read(topic, partition, `limit=${PAGE}`));
  messages.push(...page.messages);
  while (page.messages.length > 0) {
    page = expectOk(`read ${topic}/${partition}`, await api.read(topic, partition, `fromOffset=${page.nextOffset}&limit=${PAGE}`));
    messages.push(...page.messages);
  }
  return { messages, nextOffset: page.nextOffset };
}

function withoutAge(subscription: SubscriptionView): SubscriptionSnapshot {
  const { oldestUnackedAgeSeconds: _age, ...stats } = subscription.stats;
  return { ...subscription, stats };
}

async function captureTopic(api: Conveyor, name: string): Promise<TopicSnapshot> {
  const topic = expectOk(`get topic ${name}`, await api.getTopic(name));
  const partitions = [];
  for (let partition = 0; partition < topic.partitions; partition += 1) partitions.push(await readPartition(api, name, partition));
  const listed = expectOk(`list subscriptions of ${name}`, await api.listSubscriptions(name)).subscriptions;
  const subscriptions = [];
  for (const subscription of [...listed].sort((a, b) => a.name.localeCompare(b.name))) {
    const deadLetters = expectOk(`dead letters of ${name}/${subscription.name}`, await api.deadLetters(name, subscription.name, PAGE)).messages;
    subscriptions.push({ subscription: withoutAge(subscription), deadLetters });
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
  const names = expectOk('list topics', await api.listTopics()).topics.map((topic) => topic.name).sort();
  const topics = [];
  for (const name of names) topics.push(await captureTopic(api, name));
  const schedules = [...expectOk('list schedules', await api.listSchedules()).schedules].sort((a, b) => a.name.localeCompare(b.name));
  const groupStates = [];
  for (const { topic, group } of groups) groupStates.push(expectOk(`group ${topic}/${group}`, await api.getGroup(topic, group)));
  return { topics, schedules, groups: groupStates };
}
