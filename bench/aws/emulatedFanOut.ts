import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import type { Broker } from '../../src/broker/Broker.js';
import { putSubscriptionBody } from '../../src/http/schemas/subscriptions.js';
import { useEmulatorCredentials } from '../../src/emulation/emulatorCredentials.js';
import { startMotoServer } from '../../src/emulation/motoServer.js';
import { startLocalAws } from '../../src/emulation/startLocalAws.js';

/** How long fan-out to every subscription took on the local emulator, as `npx conveyor emulator` runs it. */
export interface EmulatedFanOut {
  /** `idle`, or `busy`: every core spun by another process meanwhile. */
  readonly machine: string;
  readonly messages: number;
  readonly subscriptions: number;
  /** From the publish call until it was answered, in seconds. */
  readonly publishedSeconds: number;
  /** From the publish call until every subscription's backlog held every message (what a pull would get), in seconds; null if not in time. */
  readonly allVisibleSeconds: number | null;
  /** From the publish call until every subscription had pulled (10 at a time) and acked every message, in seconds; null if not in time. */
  readonly allPulledSeconds: number | null;
  /** The same per subscription. */
  readonly perSubscriptionSeconds: ReadonlyArray<number | null>;
}

const MESSAGES = 100;
const SUBSCRIPTIONS = 5;
/** A round gives up after this long (the issue's bar is 2 s idle; "stalls" would show as null). */
const ROUND_LIMIT_MS = 60_000;

/**
 * Publishes 100 messages (one call) to a topic with 5 subscriptions on the
 * patched moto launcher with the local runner's background loop, as a developer
 * testing locally sees it, and times until every message is visible in every
 * subscription, then until each has pulled (and acked) them all. Once on an idle machine, once with every core kept busy
 * by other processes (bounded: they stop by themselves after the round's limit).
 */
export async function measureEmulatedFanOut(progress: (line: string) => void): Promise<EmulatedFanOut[]> {
  useEmulatorCredentials();
  const moto = await startMotoServer();
  try {
    const local = await startLocalAws({ endpoint: moto.endpoint, logger: pino({ level: 'silent' }), resourcePrefix: 'fanout', accessLog: false });
    local.runner.start();
    try {
      // A first round warms moto's code paths (its first EventBridge deliveries compile their templates) and is not reported.
      await fanOutRound(local.services.broker, 'warm-up');
      const results: EmulatedFanOut[] = [];
      for (const machine of ['idle', 'busy'] as const) {
        const hogs = machine === 'busy' ? spinCores(cpus().length, ROUND_LIMIT_MS) : [];
        try {
          const result = await fanOutRound(local.services.broker, machine);
          progress(`  emulated fan-out, ${machine} machine: ${MESSAGES} messages visible in ${SUBSCRIPTIONS} subscriptions after ${result.allVisibleSeconds ?? `more than ${ROUND_LIMIT_MS / 1000}`} s, all pulled after ${result.allPulledSeconds ?? '–'} s`);
          results.push(result);
        } finally {
          for (const hog of hogs) hog.kill('SIGKILL');
        }
      }
      return results;
    } finally {
      await local.close();
    }
  } finally {
    await moto.stop();
  }
}

async function fanOutRound<Machine extends string>(broker: Broker, machine: Machine): Promise<EmulatedFanOut & { machine: Machine }> {
  const topic = `fanout-${machine}`;
  await broker.topics.create(topic, { partitions: 4, retentionHours: 24, dedupWindowSeconds: 0 });
  const names = Array.from({ length: SUBSCRIPTIONS }, (_, index) => `sub-${index}`);
  for (const name of names) {
    await broker.subscriptions.create(topic, name, { ...putSubscriptionBody.parse({}), filter: null });
  }
  const started = performance.now();
  const deadline = started + ROUND_LIMIT_MS;
  await broker.publisher.publish(topic, Array.from({ length: MESSAGES }, (_, index) => ({ body: { n: index } })));
  const publishedSeconds = Math.round(performance.now() - started) / 1000;
  const allVisibleSeconds = await allVisible(broker, topic, names, started, deadline);
  const perSubscriptionSeconds = await Promise.all(names.map((name) => drain(broker, topic, name, started, deadline)));
  const allPulledSeconds = perSubscriptionSeconds.every((seconds) => seconds !== null) ? Math.max(...(perSubscriptionSeconds as number[])) : null;
  return { machine, messages: MESSAGES, subscriptions: SUBSCRIPTIONS, publishedSeconds, allVisibleSeconds, allPulledSeconds, perSubscriptionSeconds };
}

/** Polls the subscriptions' backlogs (SQS's message counts) every 20 ms until each holds every message; seconds since `started`, or null at the deadline. */
async function allVisible(broker: Broker, topic: string, names: readonly string[], started: number, deadline: number): Promise<number | null> {
  while (performance.now() <= deadline) {
    const backlogs = await Promise.all(names.map(async (name) => (await broker.subscriptions.describe(topic, name)).stats.backlog));
    if (backlogs.every((backlog) => backlog >= MESSAGES)) return Math.round(performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return null;
}

/** Pulls and acks until every message arrived; seconds since `started`, or null at the deadline. */
async function drain(broker: Broker, topic: string, name: string, started: number, deadline: number): Promise<number | null> {
  let received = 0;
  while (received < MESSAGES) {
    if (performance.now() > deadline) return null;
    const deliveries = await broker.delivery.pull(topic, name, { max: 10, waitMs: 1000 });
    received += deliveries.length;
    if (deliveries.length > 0) await broker.delivery.ack(topic, name, deliveries.map((delivery) => delivery.ackId));
  }
  return Math.round(performance.now() - started) / 1000;
}

/** The round's figures as the report prints them. */
export function renderEmulatedFanOut(results: readonly EmulatedFanOut[]): string {
  const seconds = (value: number | null): string => (value === null ? `over ${ROUND_LIMIT_MS / 1000} s` : `${value.toFixed(2)} s`);
  return [
    `### Local emulator: publish→pull of ${MESSAGES} messages fanned out to ${SUBSCRIPTIONS} subscriptions`,
    '',
    'The patched moto launcher (`npx conveyor emulator`) with the local runner polling in the background, real clock, times from one publish call of all the messages: until it was answered, until every subscription\'s backlog held every message (what a pull gets), and until every subscription had then pulled them 10 at a time and acked them. Busy: every core spun by other processes meanwhile.',
    '',
    '| machine | publish answered | visible in every subscription | pulled and acked by every subscription | per subscription |',
    '|---|---|---|---|---|',
    ...results.map((result) => `| ${result.machine} | ${seconds(result.publishedSeconds)} | ${seconds(result.allVisibleSeconds)} | ${seconds(result.allPulledSeconds)} | ${result.perSubscriptionSeconds.map(seconds).join(', ')} |`),
  ].join('\n');
}

/** Processes that keep one core each busy until killed, or for `limitMs` at most. */
function spinCores(count: number, limitMs: number): ChildProcess[] {
  const source = `const end = Date.now() + ${limitMs}; while (Date.now() < end);`;
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', source], { stdio: 'ignore' }));
}
