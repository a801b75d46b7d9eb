import { PROFILES } from '../../bench/profile.js';
import { interleavedLatency, LATENCY_ROUNDS, mergeRounds, type LatencyParticipant, type LatencyRound } from '../../bench/scenarios/latency.js';
import type { ScenarioContext } from '../../bench/scenarios/Scenario.js';
import { LatencyRecorder } from '../../bench/stats.js';
import type { Driver, Measurement, OnMessages, Target } from '../../bench/types.js';

/** A round whose samples are `from`..`to` ms, one message each. */
function round(from: number, to: number, broker: { peakRssMb: number; cpuSeconds: number }): LatencyRound {
  const samples = new LatencyRecorder();
  for (let ms = from; ms <= to; ms++) samples.add(ms);
  const measurement: Measurement = {
    scenario: 'latency',
    row: 'latency 1k/s',
    variant: '1000 msg/s offered (fixed)',
    messages: to - from + 1,
    seconds: 0.5,
    msgsPerSec: (to - from + 1) * 2,
    latencyMs: samples.summary(),
    broker,
    clientCpuSeconds: 0.25,
    extra: { offeredRate: 1000 },
  };
  return { measurement, samples };
}

/** A broker in memory: what is published reaches the subscription's consumers in turn at once. `failCreate` refuses every topology. */
function memoryDriver(failCreate = false): Driver {
  return {
    brokerPid: () => undefined,
    close: async () => undefined,
    create: async (): Promise<Target> => {
      if (failCreate) throw new Error('the broker went away');
      const consumers: OnMessages[] = [];
      let next = 0;
      return {
        publisher: async () => ({
          publish: async (payloads) => {
            const consumer = consumers[next++ % consumers.length];
            setImmediate(() => consumer?.(payloads));
          },
          close: async () => undefined,
        }),
        consume: async (_index, onMessages) => {
          consumers.push(onMessages);
          return { stop: async () => undefined, failure: () => undefined };
        },
        delete: async () => undefined,
      };
    },
  };
}

function participant(name: string, log: string[], driver: Driver = memoryDriver()): LatencyParticipant {
  const context: ScenarioContext = {
    driver,
    profile: PROFILES.smoke,
    topology: (scenario, subscriptions) => ({ name: `${name}_${scenario}`, subscriptions, partitions: 1 }),
    partitioned: false,
    progress: (line) => log.push(`${name} ${line}`),
  };
  return { context, rows: [{ rate: 500, row: 'latency', variant: '500 msg/s offered' }] };
}

describe('Benchmark latency rounds', () => {
  describe('Function: mergeRounds', () => {
    it('takes the percentiles over every round’s samples together, sums counts and CPU, and keeps the highest peak RSS', () => {
      // Act
      const merged = mergeRounds([round(1, 100, { peakRssMb: 120, cpuSeconds: 0.5 }), round(101, 200, { peakRssMb: 140, cpuSeconds: 0.25 }), round(201, 300, { peakRssMb: 130, cpuSeconds: 0.5 })]);

      // Assess
      expect(merged.latencyMs).toEqual({ p50: 150, p99: 297, p999: 300, max: 300, samples: 300 });
      expect(merged).toMatchObject({ row: 'latency 1k/s', messages: 300, seconds: 1.5, msgsPerSec: 200, clientCpuSeconds: 0.75, broker: { peakRssMb: 140, cpuSeconds: 1.25 } });
      expect(merged.extra).toEqual({ offeredRate: 1000, rounds: 3, roundP99s: '99 / 199 / 299', roundP999s: '100 / 200 / 300' });
    });

    it('refuses a row without rounds', () => {
      expect(() => mergeRounds([])).toThrow(RangeError);
    });
  });

  describe('Function: interleavedLatency', () => {
    it('runs one round of every system before the next round, each round starting one system further on', async () => {
      // Prepare
      const log: string[] = [];

      // Act
      const outcomes = await interleavedLatency([participant('A', log), participant('B', log), participant('C', log)], { ...PROFILES.smoke, durationMs: 90 });

      // Assess
      const rounds = log.filter((line) => line.includes(', round ')).map((line) => `${line[0]}${/round (\d)/.exec(line)![1]}`);
      expect(rounds).toEqual(['A1', 'B1', 'C1', 'B2', 'C2', 'A2', 'C3', 'A3', 'B3']);
      for (const outcome of outcomes) {
        expect(outcome).not.toBeInstanceOf(Error);
        const [merged] = outcome as Measurement[];
        expect(merged?.extra?.['rounds']).toBe(LATENCY_ROUNDS);
        expect(merged?.latencyMs?.samples).toBeGreaterThan(0);
      }
    });

    it('answers the error of a system whose round failed, which sits out the rounds after it, and measures the others', async () => {
      // Prepare
      const log: string[] = [];

      // Act
      const [broken, healthy] = await interleavedLatency([participant('A', log, memoryDriver(true)), participant('B', log)], { ...PROFILES.smoke, durationMs: 60 });

      // Assess
      expect(broken).toEqual(new Error('the broker went away'));
      expect((healthy as Measurement[])[0]?.extra?.['rounds']).toBe(LATENCY_ROUNDS);
      expect(log.filter((line) => line.startsWith('A latency failed'))).toHaveLength(1);
    });
  });
});
