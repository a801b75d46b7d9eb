import { nowMs } from '../payload.js';
import type { Profile } from '../profile.js';
import { monitorProcess } from '../system/ProcessMonitor.js';
import type { BrokerUsage, Driver, Topology } from '../types.js';

export const SCENARIO_IDS = ['publish', 'e2e', 'e2e-efficient', 'latency', 'fanout', 'drain', 'scale'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** What a scenario gets to run against one system. */
export interface ScenarioContext {
  readonly driver: Driver;
  readonly profile: Profile;
  /** A fresh topology for this system and run. */
  topology(scenario: string, subscriptions: number): Topology;
  /** Whether the system has partitions (Conveyor): the scale scenario varies them. */
  readonly partitioned: boolean;
  /** Progress line for the terminal. */
  progress(line: string): void;
  /** End-to-end msgs/s measured for this system earlier in the run (the latency scenario's rate is half of it). */
  e2eMsgsPerSec?: number;
}

/** The broker's and this process's resource use over one phase, and its wall time. */
export interface Phase {
  readonly ms: number;
  readonly broker: BrokerUsage | undefined;
  readonly clientCpuSeconds: number;
}

/**
 * Measures one phase: wall time, broker peak RSS and CPU, and load-generator CPU.
 *
 * @example
 * const { result, phase } = await measured(driver, () => drainAll());
 */
export async function measured<T>(driver: Driver, run: () => Promise<T>): Promise<{ result: T; phase: Phase }> {
  const monitor = monitorProcess(driver.brokerPid());
  const cpuStart = process.cpuUsage();
  const start = nowMs();
  const result = await run();
  const ms = nowMs() - start;
  const cpu = process.cpuUsage(cpuStart);
  const broker = monitor.stop();
  return { result, phase: { ms, broker, clientCpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100 } };
}
