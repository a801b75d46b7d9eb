import { requireStatus } from '../contract/harness/ApiClient.js';
import type { Conveyor } from '../contract/harness/Conveyor.js';
import type { BrokerSnapshot, GroupRef } from '../contract/harness/snapshot.js';

/**
 * Names requests use, per path parameter or body field. Fixture names hold the
 * data hostile requests aim at (`victim` above all); scratch names are what valid
 * requests may create and delete freely. A name field the document adds later
 * falls back to every name.
 */
export const FUZZ_NAMES: Readonly<Record<string, { readonly fixture: readonly string[]; readonly scratch: readonly string[] }>> = {
  topic: { fixture: ['victim', 'orders'], scratch: ['scratch'] },
  subscription: { fixture: ['worker', 'audit'], scratch: ['tmp'] },
  group: { fixture: ['readers'], scratch: ['tmp-group'] },
  schedule: { fixture: ['nightly'], scratch: ['tmp-schedule'] },
};

/**
 * The names a field or parameter draws from. `scratchOnly` is for the resource a
 * valid DELETE removes: deleting the fixture on purpose would only hide what
 * hostile requests do to it.
 */
export function namesFor(field: string, scratchOnly = false): readonly string[] {
  const entry = FUZZ_NAMES[field];
  if (entry !== undefined) return scratchOnly ? entry.scratch : [...entry.fixture, ...entry.scratch];
  const all = Object.values(FUZZ_NAMES);
  return scratchOnly ? all.flatMap((names) => names.scratch) : all.flatMap((names) => [...names.fixture, ...names.scratch]);
}

export const FIXTURE_GROUPS: readonly GroupRef[] = [{ topic: 'victim', group: 'readers' }];

/**
 * A small broker state holding every kind of stored data, so that a snapshot
 * costs about 17 requests: two topics of two partitions, messages with keys,
 * attributes and a delay, two subscriptions (one leased message, one dead letter),
 * a consumer group and a schedule. Leases, delays and the schedule lie an hour
 * or more ahead, and the clock is frozen, so nothing changes on its own.
 */
async function seed(api: Conveyor): Promise<void> {
  for (const topic of FUZZ_NAMES['topic']?.fixture ?? []) requireStatus(`fixture: topic ${topic}`, await api.createTopic(topic, { partitions: 2 }), 201);
  const worker = { ackDeadlineSeconds: 3600, maxDeliveries: 1, retryBackoff: { minSeconds: 60, maxSeconds: 60 } };
  requireStatus('fixture: subscription worker', await api.createSubscription('victim', 'worker', worker), 201);
  requireStatus('fixture: subscription audit', await api.createSubscription('victim', 'audit', { filter: { attributes: { type: ['order'] } } }), 201);
  const victim = [
    { id: 'order-1', key: 'customer-1', attributes: { type: 'order' }, body: { total: 10 } },
    { id: 'order-2', key: 'customer-2', attributes: { type: 'order' }, body: { total: 20 } },
    { key: 'customer-1', body: 'plain text' },
    { body: [1, 2, 3] },
    { id: 'later', body: { remind: true }, delaySeconds: 3600 },
  ];
  requireStatus('fixture: publish to victim', await api.publish('victim', victim));
  requireStatus('fixture: publish to orders', await api.publish('orders', [{ key: 'k', body: 1 }, { body: null }]));
  const first = requireStatus('fixture: pull', await api.pull('victim', 'worker', { max: 1 }));
  requireStatus('fixture: nack to the dead letters', await api.nack('victim', 'worker', first.messages.map((message) => message.ackId), { reason: 'poison' }));
  requireStatus('fixture: pull one left leased', await api.pull('victim', 'worker', { max: 1 }));
  requireStatus('fixture: commit a group', await api.commitOffsets('victim', 'readers', [{ partition: 0, offset: 1 }]));
  requireStatus('fixture: schedule', await api.putSchedule('nightly', { topic: 'victim', cron: '0 0 1 1 *', message: { body: { report: 'annual' } } }), 201);
}

/** Deletes every topic and schedule, then seeds the fixture again. */
export async function resetFixture(api: Conveyor): Promise<void> {
  for (const { name } of requireStatus('reset: list schedules', await api.listSchedules()).schedules) {
    requireStatus(`reset: delete schedule ${name}`, await api.deleteSchedule(name), 204);
  }
  for (const { name } of requireStatus('reset: list topics', await api.listTopics()).topics) {
    requireStatus(`reset: delete topic ${name}`, await api.deleteTopic(name), 204);
  }
  await seed(api);
}

/** Why the snapshot no longer holds what hostile requests aim at, or undefined when it does. */
export function fixtureDamage(snapshot: BrokerSnapshot): string | undefined {
  const victim = snapshot.topics.find((topic) => topic.topic.name === 'victim');
  if (victim === undefined) return 'topic victim is gone';
  if (!snapshot.topics.some((topic) => topic.topic.name === 'orders')) return 'topic orders is gone';
  const worker = victim.subscriptions.find((entry) => entry.subscription.name === 'worker');
  if (worker === undefined || !victim.subscriptions.some((entry) => entry.subscription.name === 'audit')) return 'a subscription of victim is gone';
  if (worker.deadLetters.length === 0) return 'victim/worker has no dead letter';
  if (!snapshot.schedules.some((schedule) => schedule.name === 'nightly')) return 'schedule nightly is gone';
  if (snapshot.groups.every((group) => group.partitions.every((partition) => partition.committedOffset === null))) return 'group readers has no commit';
  return undefined;
}

/** Requests a snapshot of this state costs, and its size: valid requests make both grow. */
export function snapshotCost(snapshot: BrokerSnapshot): { readonly requests: number; readonly bytes: number } {
  const perTopic = snapshot.topics.map((topic) => 2 + 2 * topic.partitions.length + topic.subscriptions.length);
  return { requests: 2 + snapshot.groups.length + perTopic.reduce((sum, cost) => sum + cost, 0), bytes: JSON.stringify(snapshot).length };
}
