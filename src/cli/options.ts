import { InvalidArgumentError } from 'commander';

/**
 * Parsers for flag values, for commander's `argParser`. Each refusal names the
 * flag, what it takes and the value received; commander prints it and the
 * command exits as a usage error.
 */

/** Shown in messages: the value as typed, in quotes, cut short when long. */
function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

/**
 * An integer between `min` and `max`, inclusive.
 *
 * @example
 * new Option('--max <n>').argParser(integerIn('--max', 1, 100));
 */
export function integerIn(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) throw new InvalidArgumentError(`${name} must be an integer between ${min} and ${max}, but ${shown(value)} was provided`);
    return number;
  };
}

/**
 * Any JSON value (a message body).
 *
 * @example
 * new Option('--body <json>').argParser(jsonValue('--body'));
 */
export function jsonValue(name: string): (value: string) => unknown {
  return (value) => {
    try {
      return JSON.parse(value) as unknown;
    } catch (error) {
      throw new InvalidArgumentError(`${name} must be JSON (quote a string: '"text"'), but ${shown(value)} was provided: ${(error as Error).message}`);
    }
  };
}

/** A JSON object (a filter). */
export function jsonObject(name: string): (value: string) => Record<string, unknown> {
  const parse = jsonValue(name);
  return (value) => {
    const parsed = parse(value);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError(`${name} must be a JSON object, but ${shown(value)} was provided`);
    return parsed as Record<string, unknown>;
  };
}

/**
 * `name=value`, repeatable: collects into one record (a later name wins).
 *
 * @example
 * new Option('--attr <name=value>').argParser(keyValue('--attr')).default({});
 */
export function keyValue(name: string): (value: string, previous: Record<string, string> | undefined) => Record<string, string> {
  return (value, previous) => {
    const at = value.indexOf('=');
    if (at <= 0) throw new InvalidArgumentError(`${name} must be name=value, but ${shown(value)} was provided`);
    return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
  };
}

/**
 * A comma-separated list, repeatable: `--ids a,b --ids c` is `['a', 'b', 'c']`.
 * Empty items are refused rather than sent.
 */
export function commaList(name: string): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => {
    const items = value.split(',').map((item) => item.trim());
    if (items.some((item) => item === '')) throw new InvalidArgumentError(`${name} takes a comma-separated list without empty items, but ${shown(value)} was provided`);
    return [...(previous ?? []), ...items];
  };
}

const AGO_UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * A point in time: an RFC 3339 timestamp with a zone, passed on as written (the
 * API checks it), or a duration ago (`90s`, `15m`, `2h`, `7d`), turned into a
 * timestamp against `now`.
 *
 * @example
 * new Option('--from-time <time>').argParser(pointInTime('--from-time'));
 * pointInTime('--from-time')('15m'); // 15 minutes ago, e.g. '2026-05-04T10:45:00.000Z'
 */
export function pointInTime(name: string, now: () => number = Date.now): (value: string) => string {
  return (value) => {
    const ago = /^(\d+)([smhd])$/.exec(value);
    if (ago !== null) return new Date(now() - Number(ago[1]) * AGO_UNITS[ago[2] as keyof typeof AGO_UNITS] * 1000).toISOString();
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return value;
    throw new InvalidArgumentError(`${name} must be an RFC 3339 time with a zone (2026-05-04T10:00:00Z) or a duration ago (90s, 15m, 2h, 7d), but ${shown(value)} was provided`);
  };
}
