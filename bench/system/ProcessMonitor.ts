import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { BrokerUsage } from '../types.js';

const SAMPLE_EVERY_MS = 100;
let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(), 10) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a process in seconds, from /proc/<pid>/stat (fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after it are space separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** A `Vm*` line of /proc/<pid>/status in MiB. */
export function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? 0 : Number(match[1]) / 1024;
}

/** Resets the kernel's peak-RSS mark (VmHWM) of a process; false when not permitted. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** One measured phase of a broker process; `stop` returns its peak RSS and CPU seconds. */
export interface MonitoredPhase {
  stop(): BrokerUsage | undefined;
}

/**
 * Samples a broker process while a phase runs: peak RSS (VmHWM reset at the
 * start where the kernel allows it, and VmRSS sampled every 100 ms in any case)
 * and CPU seconds (utime+stime delta).
 *
 * @example
 * const phase = monitorProcess(pid);
 * await runLoad();
 * phase.stop(); // { peakRssMb: 87.2, cpuSeconds: 3.41 }
 */
export function monitorProcess(pid: number | undefined): MonitoredPhase {
  if (pid === undefined) return { stop: () => undefined };
  try {
    const peakWasReset = resetPeak(pid);
    const cpuAtStart = cpuSeconds(pid);
    let peakRss = statusMb(pid, 'VmRSS');
    const timer = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, statusMb(pid, 'VmRSS'));
      } catch {
        // the process ended; the last reading stands
      }
    }, SAMPLE_EVERY_MS);
    timer.unref();
    return {
      stop(): BrokerUsage | undefined {
        clearInterval(timer);
        try {
          const rss = Math.max(peakRss, statusMb(pid, 'VmRSS'), peakWasReset ? statusMb(pid, 'VmHWM') : 0);
          return { peakRssMb: Math.round(rss * 10) / 10, cpuSeconds: Math.round((cpuSeconds(pid) - cpuAtStart) * 100) / 100 };
        } catch {
          return undefined;
        }
      },
    };
  } catch {
    return { stop: () => undefined };
  }
}
