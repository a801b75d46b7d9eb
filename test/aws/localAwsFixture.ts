import { pino } from 'pino';
import type { ClientPlugin } from '../../src/adapters/aws/clients.js';
import type { Broker } from '../../src/broker/Broker.js';
import type { Delivery, Json, SubscriptionSettings } from '../../src/domain/types.js';
import { startLocalAws, type LocalAws } from '../../src/emulation/startLocalAws.js';
import { conveyorTemplate, startEmulator, type Emulator } from '../helpers/emulator.js';
import { TestClock } from '../helpers/TestClock.js';

/** The AWS deployment on the emulator, driven in-process through the broker. */
export interface LocalAwsFixture {
  readonly local: LocalAws;
  readonly broker: Broker;
  readonly clock: TestClock;
  readonly emulator: Emulator;
  stop(): Promise<void>;
}

/**
 * A fresh emulator with ConveyorStack deployed and the broker wired to it.
 *
 * @example
 * const aws = await startLocalAwsFixture({ plugins: [counter] });
 */
export async function startLocalAwsFixture(options: { plugins?: readonly ClientPlugin[] } = {}): Promise<LocalAwsFixture> {
  const emulator = await startEmulator();
  const clock = new TestClock();
  const local = await startLocalAws({ endpoint: emulator.endpoint, clock, logger: pino({ level: 'silent' }), template: await conveyorTemplate(), ...(options.plugins === undefined ? {} : { plugins: options.plugins }) });
  return {
    local,
    broker: local.services.broker,
    clock,
    emulator,
    stop: async () => {
      await local.close();
      await emulator.stop();
    },
  };
}

/** A subscription's settings with the API's defaults, changed by `overrides`. */
export function subscriptionSettings(overrides: Partial<SubscriptionSettings> = {}): SubscriptionSettings {
  return { filter: null, ackDeadlineSeconds: 30, maxDeliveries: 5, retryBackoff: { minSeconds: 1, maxSeconds: 600 }, ordered: false, startFrom: 'latest', deadLetterAlarm: true, ...overrides };
}

/** A 1 KiB JSON body. */
export function kibibyteBody(index: number, fields: Record<string, Json> = {}): Json {
  return { index, ...fields, padding: 'x'.repeat(1000) };
}

/** Pulls and acks until the subscription is empty; returns every delivery in the order received. */
export async function drainAll(broker: Broker, topic: string, subscription: string): Promise<Delivery[]> {
  const received: Delivery[] = [];
  for (;;) {
    const batch = await broker.delivery.pull(topic, subscription, { max: 100, waitMs: 0 });
    if (batch.length === 0) return received;
    received.push(...batch);
    const outcome = await broker.delivery.ack(topic, subscription, batch.map((delivery) => delivery.ackId));
    if (outcome.failed.length > 0) throw new Error(`acks failed: ${JSON.stringify(outcome.failed)}`);
  }
}
