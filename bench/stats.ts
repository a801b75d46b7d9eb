import type { LatencySummary } from './types.js';

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * Collects latency samples (milliseconds) and summarizes them.
 *
 * @example
 * const recorder = new LatencyRecorder();
 * recorder.add(1.5);
 * recorder.summary(); // { p50: 1.5, p99: 1.5, p999: 1.5, max: 1.5, samples: 1 }
 */
export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private count = 0;

  add(ms: number): void {
    if (this.count === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.count++] = ms;
  }

  get size(): number {
    return this.count;
  }

  /** Adds every sample of `other`: percentiles of several rounds come from all their samples together. */
  addAll(other: LatencyRecorder): void {
    for (let index = 0; index < other.count; index++) this.add(other.samples[index]!);
  }

  summary(): LatencySummary | undefined {
    if (this.count === 0) return undefined;
    const sorted = this.samples.slice(0, this.count).sort();
    const round = (value: number): number => Math.round(value * 1000) / 1000;
    return {
      p50: round(percentile(sorted, 0.5)),
      p99: round(percentile(sorted, 0.99)),
      p999: round(percentile(sorted, 0.999)),
      max: round(sorted[sorted.length - 1]!),
      samples: this.count,
    };
  }
}

export function perSecond(count: number, ms: number): number {
  return ms <= 0 ? 0 : Math.round((count * 1000) / ms);
}
