import type { Broker } from '../../src/broker/Broker.js';
import type { Delivery, OutgoingMessage, Topic } from '../../src/domain/types.js';
import type { LocalAwsRunner } from '../../src/emulation/LocalAwsRunner.js';
import { drainAll, subscriptionSettings, type LocalAwsFixture } from './localAwsFixture.js';

/**
 * One topic with the three kinds of subscription fan-out must serve: every
 * message, a filtered share, and every message in key order.
 */
export const FAN_OUT = {
  everything: subscriptionSettings(),
  europe: subscriptionSettings({ filter: { attributes: { region: ['eu'] } } }),
  ledger: subscriptionSettings({ ordered: true }),
} as const;

export type FanOutSubscription = keyof typeof FAN_OUT;
export const FAN_OUT_SUBSCRIPTIONS = Object.keys(FAN_OUT) as FanOutSubscription[];

/** A short delay: the SQS delay queue holds it. */
export const SHORT_DELAY_SECONDS = 30;
/** A long delay: an EventBridge Scheduler schedule hands it to the delay queue. */
export const LONG_DELAY_SECONDS = 20 * 60;

/** Creates `name` with 2 partitions and the FAN_OUT subscriptions. */
export async function createFanOutTopic(broker: Broker, name: string): Promise<Topic> {
  const { topic } = await broker.topics.create(name, { partitions: 2, retentionHours: 24, dedupWindowSeconds: 3600 });
  for (const subscription of FAN_OUT_SUBSCRIPTIONS) await broker.subscriptions.create(name, subscription, FAN_OUT[subscription]);
  return topic;
}

/**
 * `count` messages with client ids over 5 keys, every other one from Europe.
 * The last `delayed.short` wait SHORT_DELAY_SECONDS, and the `delayed.long` before them LONG_DELAY_SECONDS.
 */
export function orders(prefix: string, count: number, delayed: { short?: number; long?: number } = {}): OutgoingMessage[] {
  const short = delayed.short ?? 0;
  const long = delayed.long ?? 0;
  return Array.from({ length: count }, (_unused, index): OutgoingMessage => {
    const fromEnd = count - index;
    const delaySeconds = fromEnd <= short ? SHORT_DELAY_SECONDS : fromEnd <= short + long ? LONG_DELAY_SECONDS : 0;
    return {
      id: `${prefix}-${index}`,
      key: `customer-${index % 5}`,
      body: { index, total: index * 10 },
      attributes: { region: index % 2 === 0 ? 'eu' : 'us' },
      ...(delaySeconds > 0 ? { delaySeconds } : {}),
    };
  });
}

/** The ids each FAN_OUT subscription must receive. */
export function expectedIds(messages: readonly OutgoingMessage[]): Record<FanOutSubscription, string[]> {
  const ids = (list: readonly OutgoingMessage[]): string[] => list.map((message) => message.id!).sort();
  return { everything: ids(messages), europe: ids(messages.filter((message) => message.attributes?.['region'] === 'eu')), ledger: ids(messages) };
}

export type Received = Record<FanOutSubscription, Delivery[]>;

/**
 * Lets the event sources run and drains every subscription, then again after
 * the short delays and again after the long ones are due (the clock of the
 * broker and of the emulator moved together). Returns every delivery, in order.
 * The runner polls every time (`settle(true)`): a moved clock writes nothing,
 * yet makes delayed messages and schedules due.
 */
export async function relayAndDrain(aws: LocalAwsFixture, topic: string, runner: Pick<LocalAwsRunner, 'settle'> = aws.local.runner): Promise<Received> {
  const received: Received = { everything: [], europe: [], ledger: [] };
  for (const advanceSeconds of [0, SHORT_DELAY_SECONDS + 1, LONG_DELAY_SECONDS]) {
    if (advanceSeconds > 0) {
      aws.clock.advance(advanceSeconds * 1000);
      await aws.emulator.setClock(aws.clock.state());
    }
    await runner.settle(true);
    for (const subscription of FAN_OUT_SUBSCRIPTIONS) received[subscription].push(...(await drainAll(aws.broker, topic, subscription)));
  }
  return received;
}

/** The log positions (`partition:offset`) each delivered id came from. */
function positionsById(deliveries: readonly Delivery[]): Record<string, string[]> {
  const positions: Record<string, Set<string>> = {};
  for (const { id, partition, offset } of deliveries) (positions[id] ??= new Set()).add(`${partition}:${offset}`);
  return Object.fromEntries(Object.entries(positions).map(([id, set]) => [id, [...set]]));
}

/**
 * Nothing lost, nothing made up: each subscription received exactly the ids
 * that match it (at least once), every copy of a message is the same log entry
 * (a redelivery, not a second append), and the ordered subscription saw each
 * key's messages first in offset order.
 */
export function expectEveryMatchingMessageDelivered(received: Received, messages: readonly OutgoingMessage[]): void {
  const expected = expectedIds(messages);
  for (const subscription of FAN_OUT_SUBSCRIPTIONS) {
    const ids = received[subscription].map((delivery) => delivery.id);
    expect({ subscription, ids: [...new Set(ids)].sort() }).toEqual({ subscription, ids: expected[subscription] });
    const appendedTwice = Object.entries(positionsById(received[subscription])).filter(([, positions]) => positions.length > 1);
    expect({ subscription, appendedTwice }).toEqual({ subscription, appendedTwice: [] });
  }
  const outOfOrder = firstOffsetsByKey(received.ledger).filter(({ offsets }) => !isIncreasing(offsets));
  expect({ subscription: 'ledger', outOfOrder }).toEqual({ subscription: 'ledger', outOfOrder: [] });
}

/** Per key, the offsets of the ordered subscription's first delivery of each message, in the order received. */
function firstOffsetsByKey(deliveries: readonly Delivery[]): Array<{ key: string | null; offsets: number[] }> {
  const seen = new Set<string>();
  const byKey = new Map<string | null, number[]>();
  for (const delivery of deliveries) {
    if (seen.has(delivery.id)) continue;
    seen.add(delivery.id);
    byKey.set(delivery.key, [...(byKey.get(delivery.key) ?? []), delivery.offset]);
  }
  return [...byKey].map(([key, offsets]) => ({ key, offsets }));
}

function isIncreasing(values: readonly number[]): boolean {
  return values.every((value, index) => index === 0 || value > values[index - 1]!);
}

/** Every message id the topic's log holds, once per log entry, from every partition. */
export async function logIds(broker: Broker, topic: string): Promise<string[]> {
  const { partitions } = await broker.topics.require(topic);
  const ids: string[] = [];
  for (let partition = 0; partition < partitions; partition += 1) {
    for (let offset = 0; ; ) {
      const page = await broker.log.read(topic, partition, { offset }, 1000);
      ids.push(...page.messages.map((message) => message.id));
      if (page.messages.length === 0 || page.nextOffset === offset) break;
      offset = page.nextOffset;
    }
  }
  return ids.sort();
}

/** How many copies each subscription received beyond one per message. */
export function redeliveries(received: Received): Record<FanOutSubscription, number> {
  const extra = (deliveries: readonly Delivery[]): number => deliveries.length - new Set(deliveries.map((delivery) => delivery.id)).size;
  return { everything: extra(received.everything), europe: extra(received.europe), ledger: extra(received.ledger) };
}
