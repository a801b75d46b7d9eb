import { requireStatus } from './ApiClient.js';
import type { Conveyor } from './Conveyor.js';
import type { GroupRef } from './snapshot.js';

/**
 * Names of the data a rejected request must leave alone. Every kind of stored
 * state is present: retained messages in two partitions, a delayed message, a
 * subscription with a backlog, leased messages and a dead letter, a filtered
 * subscription, a committed consumer group and a schedule.
 */
export const FIXTURE = {
  topic: 'ledger',
  partitions: 2,
  subscription: 'worker',
  filtered: 'orders-only',
  group: 'auditors',
  schedule: 'yearly-report',
} as const;

export const FIXTURE_GROUPS: readonly GroupRef[] = [{ topic: FIXTURE.topic, group: FIXTURE.group }];

/** Settings of the fixture's main subscription: leases outlive the test run, one failed delivery dead-letters. */
export const WORKER_SETTINGS = { ackDeadlineSeconds: 3600, maxDeliveries: 1, retryBackoff: { minSeconds: 60, maxSeconds: 60 } } as const;
export const FILTERED_SETTINGS = { filter: { attributes: { type: ['order.created'] } } } as const;
export const SCHEDULE_INPUT = { topic: FIXTURE.topic, cron: '0 0 1 1 *', timezone: 'UTC', message: { body: { report: 'annual' } } } as const;

const enc = encodeURIComponent;
export const paths = {
  topic: (topic: string = FIXTURE.topic): string => `/v1/topics/${enc(topic)}`,
  messages: (topic: string = FIXTURE.topic): string => `/v1/topics/${enc(topic)}/messages`,
  subscription: (name: string = FIXTURE.subscription, topic: string = FIXTURE.topic): string => `/v1/topics/${enc(topic)}/subscriptions/${enc(name)}`,
  action: (action: string, name: string = FIXTURE.subscription, topic: string = FIXTURE.topic): string =>
    `/v1/topics/${enc(topic)}/subscriptions/${enc(name)}/${action}`,
  offsets: (group: string = FIXTURE.group, topic: string = FIXTURE.topic): string => `/v1/topics/${enc(topic)}/groups/${enc(group)}/offsets`,
  schedule: (name: string = FIXTURE.schedule): string => `/v1/schedules/${enc(name)}`,
};

/** Builds the fixture through the API; throws when any step is not answered as expected. */
export async function seedFixture(api: Conveyor): Promise<void> {
  requireStatus('fixture: create topic', await api.createTopic(FIXTURE.topic, { partitions: FIXTURE.partitions }), 201);
  requireStatus('fixture: create worker', await api.createSubscription(FIXTURE.topic, FIXTURE.subscription, WORKER_SETTINGS), 201);
  requireStatus('fixture: create filtered', await api.createSubscription(FIXTURE.topic, FIXTURE.filtered, FILTERED_SETTINGS), 201);
  const published = await api.publish(FIXTURE.topic, [
    { id: 'order-1', key: 'customer-1', attributes: { type: 'order.created' }, body: { orderId: 1, total: 10 } },
    { id: 'order-2', key: 'customer-2', attributes: { type: 'order.created' }, body: { orderId: 2, total: 20 } },
    { id: 'refund-1', key: 'customer-1', attributes: { type: 'refund.issued' }, body: { orderId: 1, total: -10 } },
    { key: 'customer-3', body: 'plain text' },
    { body: [1, 2, 3] },
    { id: 'reminder-1', body: { remind: true }, delaySeconds: 3600 },
  ]);
  requireStatus('fixture: publish', published, 200);
  const first = requireStatus('fixture: pull one', await api.pull(FIXTURE.topic, FIXTURE.subscription, { max: 1 }), 200);
  requireStatus('fixture: nack to dead letters', await api.nack(FIXTURE.topic, FIXTURE.subscription, first.messages.map((m) => m.ackId), { reason: 'poison' }), 200);
  requireStatus('fixture: pull two (left leased)', await api.pull(FIXTURE.topic, FIXTURE.subscription, { max: 2 }), 200);
  requireStatus('fixture: commit group', await api.commitOffsets(FIXTURE.topic, FIXTURE.group, [{ partition: 0, offset: 1 }]), 200);
  requireStatus('fixture: put schedule', await api.putSchedule(FIXTURE.schedule, SCHEDULE_INPUT), 201);
}
