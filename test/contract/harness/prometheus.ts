/** One sample line of a Prometheus text exposition. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly samples: readonly Sample[];
  /** `# TYPE` of each metric family. */
  readonly types: Readonly<Record<string, string>>;
  /** Lines that are neither comments, blank, nor well-formed samples. */
  readonly malformed: readonly string[];
}

function unescape(value: string): string {
  return value.replace(/\\(["\\n])/g, (_match, char: string) => (char === 'n' ? '\n' : char));
}

/** Parses `{a="x",b="y"}` starting at `start`; returns the labels and the index after `}`, or null. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } | null {
  const labels: Record<string, string> = {};
  const label = /\s*([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|\})/y;
  label.lastIndex = start + 1;
  if (line[start + 1] === '}') return { labels, end: start + 2 };
  for (;;) {
    const match = label.exec(line);
    if (match === null) return null;
    labels[match[1]!] = unescape(match[2]!);
    if (match[3] === '}') return { labels, end: label.lastIndex };
  }
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Parses Prometheus text format 0.0.4 (label values may hold braces, as route templates do). */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  const malformed: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) types[type[1]!] = type[2]!;
    if (line.startsWith('#')) continue;
    const name = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(line)?.[0];
    if (name === undefined) {
      malformed.push(line);
      continue;
    }
    const parsed = line[name.length] === '{' ? parseLabels(line, name.length) : { labels: {}, end: name.length };
    const value = parsed === null ? NaN : parseValue(line.slice(parsed.end).trim().split(/\s+/)[0] ?? '');
    if (parsed === null || Number.isNaN(value)) malformed.push(line);
    else samples.push({ name, labels: parsed.labels, value });
  }
  return { samples, types, malformed };
}

/** Samples of `name` whose labels include every one of `labels`. */
export function samplesOf(exposition: Exposition, name: string, labels: Readonly<Record<string, string>> = {}): Sample[] {
  return exposition.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

/** Sum of the matching samples; 0 when there are none (an unseen counter reads as 0). */
export function valueOf(exposition: Exposition, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return samplesOf(exposition, name, labels).reduce((sum, sample) => sum + sample.value, 0);
}
