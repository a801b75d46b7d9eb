import type { LeafValue } from './types.js';

export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Array.isArray narrows `unknown` to `any[]`; this keeps the elements `unknown`.
export function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

// NaN and the infinities cannot come out of JSON.parse, so they are not match values.
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isLeafValue(value: unknown): value is LeafValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    isFiniteNumber(value)
  );
}
