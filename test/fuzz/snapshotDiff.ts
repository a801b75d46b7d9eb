import type { BrokerSnapshot } from '../contract/harness/snapshot.js';

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** Readable labels for list entries: a topic by name, a message by partition and offset. */
function keyOf(item: unknown, index: number): string {
  if (typeof item !== 'object' || item === null) return String(index);
  const record = item as Record<string, unknown>;
  const named = (record['topic'] as Record<string, unknown> | undefined)?.['name'] ?? (record['subscription'] as Record<string, unknown> | undefined)?.['name'] ?? record['name'];
  if (typeof named === 'string') return named;
  if (typeof record['offset'] === 'number') return `p${String(record['partition'])}@${record['offset']}`;
  return String(index);
}

function walk(before: unknown, after: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (Object.is(before, after)) return;
  const bothObjects = typeof before === 'object' && before !== null && typeof after === 'object' && after !== null;
  if (!bothObjects || Array.isArray(before) !== Array.isArray(after)) {
    out.push(`${path}: ${short(before)} → ${short(after)}`);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const left = new Map(before.map((item, index) => [keyOf(item, index), item]));
    const right = new Map(after.map((item, index) => [keyOf(item, index), item]));
    for (const [key, item] of left) {
      if (!right.has(key)) out.push(`${path}[${key}] removed: ${short(item)}`);
      else walk(item, right.get(key), `${path}[${key}]`, out, limit);
    }
    for (const [key, item] of right) if (!left.has(key)) out.push(`${path}[${key}] added: ${short(item)}`);
    return;
  }
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) walk(left[key], right[key], path === '' ? key : `${path}.${key}`, out, limit);
}

/**
 * What differs between two snapshots, as a few `path: before → after` lines
 * (entries matched by name or position, not by index).
 *
 * @example
 * snapshotDiff(before, after); // ['topics[victim] removed: {...}']
 */
export function snapshotDiff(before: BrokerSnapshot, after: BrokerSnapshot, limit = 6): string[] {
  const out: string[] = [];
  walk(before, after, '', out, limit);
  return out;
}
