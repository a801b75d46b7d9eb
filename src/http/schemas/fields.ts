import { z } from 'zod';
import { PublishLimits } from '../../domain/constants.js';
import { preview } from '../../domain/errors.js';
import type { Json } from '../../domain/types.js';

/** Renders a received value for an error message, short enough to read, whatever its depth or size. */
export const shown = (value: unknown): string => preview(value);

/** An integer in [min, max]; every failure says the range and the value received. */
export function intIn(range: { readonly min: number; readonly max: number }) {
  const outside = (issue: { input?: unknown }) => `must be between ${range.min} and ${range.max}, but ${shown(issue.input)} was provided`;
  return z
    .number({ error: (issue) => `must be an integer, but ${shown(issue.input)} was provided` })
    .int({ error: (issue) => `must be an integer, but ${shown(issue.input)} was provided` })
    .min(range.min, { error: outside })
    .max(range.max, { error: outside });
}

/** A string of `minLength` to `maxLength` characters (no lower bound is stated when it is 0, so none appears in docs/openapi.yaml). */
export function text(maxLength: number, minLength = 0) {
  const string = z.string({ error: (issue) => `must be a string, but ${shown(issue.input)} was provided` });
  return (minLength > 0 ? string.min(minLength, { error: () => `must have at least ${minLength} characters` }) : string).max(maxLength, {
    error: (issue) => `must have at most ${maxLength} characters, but ${String(issue.input).length} were provided`,
  });
}

export const bool = z.boolean({ error: (issue) => `must be true or false, but ${shown(issue.input)} was provided` });

const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Epoch milliseconds of an RFC 3339 date-time with a zone, or null when the text
 * is not one or names an instant that does not exist: month 13, February 30,
 * hour 24, minute 60. JavaScript's Date would roll such dates forward
 * ("2027-02-31" becomes March 3), so every field is checked against the
 * calendar first. Leap seconds (`:60`) are refused: JavaScript time has none.
 *
 * @example
 * rfc3339Millis('2027-02-28T00:00:00Z'); // 1803686400000
 * rfc3339Millis('2027-02-31T00:00:00Z'); // null
 */
export function rfc3339Millis(text: string): number | null {
  const match = RFC_3339.exec(text);
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetHours = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinutes = match[10] === undefined ? 0 : Number(match[10]);
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
  if (!valid) return null;
  const millis = Date.parse(text.toUpperCase());
  return Number.isNaN(millis) ? null : millis;
}

/**
 * An RFC 3339 timestamp with a zone, naming a real instant, read as epoch milliseconds.
 * In docs/openapi.yaml it is the hand-written `Timestamp` component (`format: date-time`).
 */
export const rfc3339 = z
  .string({ error: (issue) => `must be an RFC 3339 timestamp, but ${shown(issue.input)} was provided` })
  .refine((value) => rfc3339Millis(value) !== null, {
    error: (issue) => `must be an RFC 3339 timestamp of a real date and time such as "2026-01-01T12:00:00Z", but ${shown(issue.input)} was provided`,
  })
  .transform((value) => rfc3339Millis(value)!)
  .meta({ id: 'Timestamp' });

/** Whether objects and arrays nest at most `limit` deep; iterative, so no input can overflow the stack. */
export function nestsWithin(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return false;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return true;
}

/** Whether every number in a JSON value is finite: JSON.parse reads `1e400` as Infinity, which JSON cannot store. Iterative, as above. */
export function numbersFinite(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node === 'number' && !Number.isFinite(node)) return false;
    if (node !== null && typeof node === 'object') for (const child of Object.values(node)) pending.push(child);
  }
  return true;
}

/**
 * Any JSON value up to the nesting limit, with finite numbers; bodies come from JSON.parse, so they are JSON already.
 * JSON Schema cannot state these checks: docs/openapi.yaml describes it in the hand-written `JsonValue` component.
 */
export const jsonValue = z
  .custom<Json>((value) => value !== undefined, { error: 'is required' })
  .refine((value) => nestsWithin(value, PublishLimits.bodyDepth), {
    error: `must nest objects and arrays at most ${PublishLimits.bodyDepth} levels deep`,
  })
  .refine((value) => numbersFinite(value), {
    error: 'must hold only finite numbers: a number beyond ±1.7976931348623157e308 (such as 1e400) cannot be stored',
  })
  .meta({ id: 'JsonValue' });

const attributeValue = z
  .string({ error: (issue) => `values must be strings, but ${shown(issue.input)} was provided` })
  .max(PublishLimits.attributeValueLength, {
    error: (issue) => `values must have at most ${PublishLimits.attributeValueLength} characters, but one of ${String(issue.input).length} was provided`,
  });

/** The first attribute name outside 1–128 characters, described; null when all fit. */
function badAttributeName(value: Record<string, string>): string | null {
  for (const name of Object.keys(value)) {
    if (name.length === 0) return 'names must not be empty, but "" was provided';
    if (name.length > PublishLimits.attributeNameLength) return `names must have at most ${PublishLimits.attributeNameLength} characters, but one of ${name.length} was provided`;
  }
  return null;
}

/**
 * String attributes of a message: at most 32 entries, names 1–128 characters, values up to 4096 (they count toward the message size too).
 * Its checks are refinements, so docs/openapi.yaml states them in the hand-written `Attributes` component.
 */
export const attributes = z
  // Checked on the parsed JSON itself: an object built from it cannot hold "__proto__" as an ordinary key, so it would be dropped, not stored.
  .custom<unknown>((raw) => typeof raw !== 'object' || raw === null || !Object.hasOwn(raw, '__proto__'), { error: 'names must not be "__proto__"' })
  .pipe(z.record(z.string(), attributeValue, {
    error: (issue) => `must be an object of string values, but ${shown(issue.input)} was provided`,
  }))
  .refine((value) => Object.keys(value).length <= PublishLimits.attributes, {
    error: (issue) => `must have at most ${PublishLimits.attributes} entries, but ${Object.keys(issue.input as object).length} were provided`,
  })
  .refine((value) => badAttributeName(value) === null, { error: (issue) => badAttributeName(issue.input as Record<string, string>) ?? '' })
  .meta({ id: 'Attributes' });

/** An array of `range.min` to `range.max` non-empty strings (no lower bound is stated when it is 0). */
export function stringList(range: { readonly min: number; readonly max: number }, itemMax = 1024) {
  const list = z.array(text(itemMax, 1), { error: (issue) => `must be an array of strings, but ${shown(issue.input)} was provided` });
  return (range.min > 0 ? list.min(range.min, { error: () => `must have at least ${range.min} ${range.min === 1 ? 'entry' : 'entries'}` }) : list).max(range.max, {
    error: (issue) => `must have at most ${range.max} entries, but ${(issue.input as unknown[]).length} were provided`,
  });
}

/** Query string numbers arrive as text. */
export const queryInt = (range: { readonly min: number; readonly max: number }) =>
  z
    .string()
    .regex(/^-?\d+$/, { error: (issue) => `must be an integer, but ${shown(issue.input)} was provided` })
    .transform(Number)
    .pipe(intIn(range));
