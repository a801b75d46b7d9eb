// Reading GET /metrics (Prometheus text exposition 0.0.4). The console needs
// only a few of Conveyor's counters (src/observability/Metrics.ts):
//   conveyor_messages_published_total{topic}
//   conveyor_messages_acked_total{topic,subscription}
// A labelled counter appears only once it has counted something, so a missing
// series reads as 0.

const LINE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const unescape = (value) => value.replace(/\\(["\\n])/g, (_, c) => (c === 'n' ? '\n' : c));

/** Every sample of the exposition: `{ name, labels, value }`. */
export function parseExposition(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (match === null) continue;
    const labels = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name] = unescape(value);
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function total(samples, name, labels = {}) {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

export const PUBLISHED = 'conveyor_messages_published_total';
export const ACKED = 'conveyor_messages_acked_total';

/**
 * Per second, between two readings of a counter `seconds` apart. A counter
 * that went down was reset (the server restarted): as Prometheus' rate() does,
 * everything counted since then counts as new.
 */
export function counterRate(previous, current, seconds) {
  if (previous === undefined || current === undefined || !(seconds > 0)) return null;
  return (current >= previous ? current - previous : current) / seconds;
}
