import { z } from 'zod';
import { PublishLimits } from '../../domain/constants.js';
import type { Json } from '../../domain/types.js';

/** Renders a received value for an error message, short enough to read. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** An integer in [min, max]; every failure says the range and the value received. */
export function intIn(range: { readonly min: number; readonly max: number }) {
  const outside = (issue: { input?: unknown }) => `must be between ${range.min} and ${range.max}, but ${shown(issue.input)} was provided`;
  return z
    .number({ error: (issue) => `must be an integer, but ${shown(issue.input)} was provided` })
    .int({ error: (issue) => `must be an integer, but ${shown(issue.input)} was provided` })
    .min(range.min, { error: outside })
    .max(range.max, { error: outside });
}

export function text(maxLength: number, minLength = 0) {
  return z
    .string({ error: (issue) => `must be a string, but ${shown(issue.input)} was provided` })
    .min(minLength, { error: () => `must have at least ${minLength} characters` })
    .max(maxLength, { error: (issue) => `must have at most ${maxLength} characters, but ${String(issue.input).length} were provided` });
}

export const bool = z.boolean({ error: (issue) => `must be true or false, but ${shown(issue.input)} was provided` });

/** An RFC 3339 timestamp with a zone, read as epoch milliseconds. */
export const rfc3339 = z
  .string({ error: (issue) => `must be an RFC 3339 timestamp, but ${shown(issue.input)} was provided` })
  .refine((value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value)), {
    error: (issue) => `must be an RFC 3339 timestamp such as "2026-01-01T12:00:00Z", but ${shown(issue.input)} was provided`,
  })
  .transform((value) => Date.parse(value));

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

/** Any JSON value up to the nesting limit; bodies come from JSON.parse, so they are JSON already. */
export const jsonValue = z
  .custom<Json>((value) => value !== undefined, { error: 'is required' })
  .refine((value) => nestsWithin(value, PublishLimits.bodyDepth), {
    error: `must nest objects and arrays at most ${PublishLimits.bodyDepth} levels deep`,
  });

export const attributes = (maxEntries: number) =>
  z
    .record(z.string(), z.string({ error: (issue) => `values must be strings, but ${shown(issue.input)} was provided` }), {
      error: (issue) => `must be an object of string values, but ${shown(issue.input)} was provided`,
    })
    .refine((value) => Object.keys(value).length <= maxEntries, {
      error: (issue) => `must have at most ${maxEntries} entries, but ${Object.keys(issue.input as object).length} were provided`,
    });

export const stringList = (range: { readonly min: number; readonly max: number }, itemMax = 1024) =>
  z
    .array(text(itemMax, 1), { error: (issue) => `must be an array of strings, but ${shown(issue.input)} was provided` })
    .min(range.min, { error: () => `must have at least ${range.min} ${range.min === 1 ? 'entry' : 'entries'}` })
    .max(range.max, { error: (issue) => `must have at most ${range.max} entries, but ${(issue.input as unknown[]).length} were provided` });

/** Query string numbers arrive as text. */
export const queryInt = (range: { readonly min: number; readonly max: number }) =>
  z
    .string()
    .regex(/^-?\d+$/, { error: (issue) => `must be an integer, but ${shown(issue.input)} was provided` })
    .transform(Number)
    .pipe(intIn(range));
