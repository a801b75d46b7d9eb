/** One sample line of a metric: its labels and value. */
export interface MetricSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * The samples of one metric in Prometheus' text exposition format. Lines of
 * other metrics, comments and lines that do not parse are skipped.
 *
 * @example
 * metricSamples('conveyor_messages_acked_total{topic="orders",subscription="billing"} 42\n', 'conveyor_messages_acked_total');
 * // [{ labels: { topic: 'orders', subscription: 'billing' }, value: 42 }]
 */
export function metricSamples(text: string, name: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{\s]+(?:\{(.*)\})?\s+(\S+)/.exec(line);
    const value = Number(match?.[2]);
    if (match === null || !Number.isFinite(value)) continue;
    const labels: Record<string, string> = {};
    for (const [, label, raw] of (match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label!] = raw!.replace(/\\(.)/g, (_escape, character: string) => (character === 'n' ? '\n' : character));
    }
    samples.push({ labels, value });
  }
  return samples;
}
