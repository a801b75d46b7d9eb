import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs, stampedPayload } from '../payload.js';
import type { Profile } from '../profile.js';
import { LatencyRecorder, perSecond } from '../stats.js';
import type { LatencySummary, Measurement, Publisher } from '../types.js';
import { closeAll, Flow, openPublishers, startConsumers, waitFor } from './load.js';
import { measured, type ScenarioContext } from './Scenario.js';

/** Most messages one publish request carries when the schedule has fallen behind. */
const MAX_BATCH = 100;
const MAX_IN_FLIGHT = 64;
const TICK_MS = 1;

/**
 * Open-loop publishing at `rate` msg/s: every millisecond, the messages that
 * are due go out as one publish (usually a handful), without waiting for the
 * previous publish. Each message is stamped with the time it was *scheduled*,
 * not sent, so a stalled broker shows up as latency (no coordinated omission).
 */
async function publishAtRate(publishers: readonly Publisher[], rate: number, durationMs: number, flow: Flow): Promise<void> {
  const start = nowMs();
  const inFlight = new Set<Promise<void>>();
  let scheduled = 0;
  let turn = 0;
  let failure: unknown;
  while (nowMs() - start < durationMs && failure === undefined) {
    const due = Math.floor(((nowMs() - start) * rate) / 1000);
    while (scheduled < due && inFlight.size < MAX_IN_FLIGHT) {
      const size = Math.min(MAX_BATCH, due - scheduled);
      const payloads = Array.from({ length: size }, (_, i) => stampedPayload(start + ((scheduled + i) * 1000) / rate));
      scheduled += size;
      flow.sent += size;
      const publisher = publishers[turn++ % publishers.length]!;
      const sending = publisher.publish(payloads).then(
        () => {
          flow.acked += size;
        },
        (error: unknown) => {
          failure = error;
        },
      );
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
    await sleep(TICK_MS);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
}

/** Fixed offered loads (msg/s) measured for every system, beside half of its own end-to-end maximum. */
export const FIXED_LOADS = [1000, 5000] as const;

/**
 * Rounds each latency row is measured in. runBenchmark interleaves the rounds
 * of every system (one round of each system's rows, then the next round), so a
 * noisy stretch of a shared machine falls on every system, not on whichever
 * happened to run then.
 */
export const LATENCY_ROUNDS = 3;

/** One latency row of one system: the rate offered, the row it reports, and how it ran it. */
export interface LatencyRow {
  readonly rate: number;
  readonly row: string;
  readonly variant: string;
}

/** A round of a row: its measurement, and the samples behind its percentiles. */
export interface LatencyRound {
  readonly measurement: Measurement;
  readonly samples: LatencyRecorder;
}

function rateLabel(rate: number): string {
  return rate % 1000 === 0 ? `${rate / 1000}k` : String(rate);
}

/**
 * The latency rows of a system: `latency 1k/s` and `latency 5k/s` (the same
 * offered load for every system), then `latency` at half the end-to-end
 * maximum (batch 10) it reached in the same run.
 */
export function latencyRows(e2eMsgsPerSec: number | undefined): LatencyRow[] {
  const half = Math.max(10, Math.round((e2eMsgsPerSec ?? 0) / 2));
  return [
    ...FIXED_LOADS.map((rate) => ({ rate, row: `latency ${rateLabel(rate)}/s`, variant: `${rate} msg/s offered (fixed)` })),
    { rate: half, row: 'latency', variant: `${half} msg/s offered (50% of e2e)` },
  ];
}

/** Publish→deliver percentiles at `row.rate` msg/s offered, open loop for `durationMs`; the first 10% of it is warm-up. */
export async function latencyRound(context: ScenarioContext, row: LatencyRow, durationMs: number): Promise<LatencyRound> {
  const { driver, profile } = context;
  const target = await driver.create(context.topology(row.row.replace(/\W+/g, '_'), 1));
  const flow = new Flow(1, Number.POSITIVE_INFINITY);
  const consumers = await startConsumers(target, 1, profile.consumers, flow);
  const publishers = await openPublishers(target, profile.publishers);
  const { phase } = await measured(driver, async () => {
    flow.windowOpen = true;
    flow.latencyFrom = nowMs() + durationMs * 0.1;
    await publishAtRate(publishers, row.rate, durationMs, flow);
    await waitFor(() => flow.delivered[0]! >= flow.acked, 30_000, 'the last deliveries', consumers);
  });
  await sleep(10);
  await closeAll(publishers);
  await closeAll(consumers);
  await target.delete();
  const measurement: Measurement = {
    scenario: 'latency',
    row: row.row,
    variant: row.variant,
    messages: flow.delivered[0]!,
    seconds: phase.ms / 1000,
    msgsPerSec: perSecond(flow.delivered[0]!, phase.ms),
    latencyMs: flow.latency.summary(),
    broker: phase.broker,
    clientCpuSeconds: phase.clientCpuSeconds,
    extra: { offeredRate: row.rate },
  };
  return { measurement, samples: flow.latency };
}

const hundredths = (value: number): number => Math.round(value * 100) / 100;

/** `p50 … ms, p99 … ms, p99.9 … ms` for a progress line. */
function percentiles(latency: LatencySummary | undefined): string {
  return `p50 ${latency?.p50 ?? '?'} ms, p99 ${latency?.p99 ?? '?'} ms, p99.9 ${latency?.p999 ?? '?'} ms`;
}

/**
 * One figure from a row's rounds: percentiles over the samples of every round
 * together, messages, seconds and CPU summed, the highest peak RSS. `extra`
 * keeps each round's p99 and p99.9, in the order they ran.
 *
 * @example
 * mergeRounds([first, second, third]).latencyMs; // p50/p99/p99.9 of all three rounds' samples
 */
export function mergeRounds(rounds: readonly LatencyRound[]): Measurement {
  const [first] = rounds;
  if (first === undefined) throw new RangeError('a latency row needs at least one round');
  const samples = new LatencyRecorder();
  for (const round of rounds) samples.addAll(round.samples);
  const measurements = rounds.map((round) => round.measurement);
  const sum = (pick: (measurement: Measurement) => number): number => measurements.reduce((total, measurement) => total + pick(measurement), 0);
  const brokers = measurements.map((measurement) => measurement.broker).filter((broker) => broker !== undefined);
  const messages = sum((measurement) => measurement.messages);
  const seconds = sum((measurement) => measurement.seconds);
  const each = (pick: (summary: LatencySummary) => number): string =>
    measurements.map((measurement) => (measurement.latencyMs === undefined ? '–' : String(pick(measurement.latencyMs)))).join(' / ');
  return {
    ...first.measurement,
    messages,
    seconds,
    msgsPerSec: perSecond(messages, seconds * 1000),
    latencyMs: samples.summary(),
    ...(brokers.length === measurements.length
      ? { broker: { peakRssMb: Math.max(...brokers.map((broker) => broker.peakRssMb)), cpuSeconds: hundredths(brokers.reduce((total, broker) => total + broker.cpuSeconds, 0)) } }
      : {}),
    clientCpuSeconds: hundredths(sum((measurement) => measurement.clientCpuSeconds)),
    extra: { ...first.measurement.extra, rounds: rounds.length, roundP99s: each((summary) => summary.p99), roundP999s: each((summary) => summary.p999) },
  };
}

/** A system taking part in the interleaved latency rounds. */
export interface LatencyParticipant {
  readonly context: ScenarioContext;
  readonly rows: readonly LatencyRow[];
}

/**
 * Scenario 4, latency: every participant's rows (latencyRows), each measured
 * in LATENCY_ROUNDS rounds of a third of the profile's phase, interleaved: a
 * round runs every system's rows one system after the other, and each round
 * starts one system further on, so no system always runs first. Answers each
 * participant's rows merged (mergeRounds), in the participants' order; a
 * participant whose round failed answers the error instead, and sits out the
 * rounds after it.
 */
export async function interleavedLatency(participants: readonly LatencyParticipant[], profile: Profile): Promise<Array<Measurement[] | Error>> {
  const rounds = participants.map((participant) => participant.rows.map((): LatencyRound[] => []));
  const failures: Array<Error | undefined> = participants.map(() => undefined);
  const roundMs = profile.durationMs / LATENCY_ROUNDS;
  for (let round = 0; round < LATENCY_ROUNDS; round++) {
    for (let turn = 0; turn < participants.length; turn++) {
      const index = (turn + round) % participants.length;
      const participant = participants[index]!;
      if (failures[index] !== undefined) continue;
      try {
        for (const [rowIndex, row] of participant.rows.entries()) {
          const measured = await latencyRound(participant.context, row, roundMs);
          rounds[index]![rowIndex]!.push(measured);
          participant.context.progress(`latency @${row.rate} msg/s, round ${round + 1}/${LATENCY_ROUNDS}: ${percentiles(measured.measurement.latencyMs)}`);
        }
      } catch (error) {
        failures[index] = error instanceof Error ? error : new Error(String(error));
        participant.context.progress(`latency failed: ${failures[index]!.message}`);
      }
    }
  }
  return participants.map((participant, index) => {
    const failure = failures[index];
    if (failure !== undefined) return failure;
    return participant.rows.map((row, rowIndex) => {
      const merged = mergeRounds(rounds[index]![rowIndex]!);
      participant.context.progress(`latency @${row.rate} msg/s, ${LATENCY_ROUNDS} rounds: ${percentiles(merged.latencyMs)}`);
      return merged;
    });
  });
}
