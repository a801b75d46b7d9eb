import { isArray, isLeafValue, isPlainObject } from './json.js';
import type { LeafCondition, LeafValue, NodeMatcher, ValueTest } from './types.js';

const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The scalars an event holds at one position. Arrays are flattened at any depth (an
 * array field matches when any element does) and objects contribute nothing, which is
 * what makes `exists` a question about leaf values, as in EventBridge.
 */
export function leafValuesOf(value: unknown): readonly LeafValue[] {
  if (isLeafValue(value)) {
    return [value];
  }
  if (!isArray(value)) {
    return [];
  }
  const found: LeafValue[] = [];
  for (const item of value) {
    found.push(...leafValuesOf(item));
  }
  return found;
}

/** A leaf array: true when any of its entries accepts the field (entries are OR-ed). */
export function leafMatcher(
  exact: ReadonlySet<LeafValue>,
  conditions: readonly LeafCondition[],
): NodeMatcher {
  const tests: ValueTest[] = conditions.flatMap((condition) =>
    condition.kind === 'value' ? [condition.test] : [],
  );
  if (exact.size > 0) {
    tests.unshift((value) => exact.has(value));
  }
  const accepts = (present: boolean): boolean =>
    conditions.some((condition) => condition.kind === 'exists' && condition.present === present);
  const acceptsPresent = accepts(true);
  const acceptsAbsent = accepts(false);
  return (value) => {
    // Most fields hold a single scalar; skip building a one-element list for them.
    if (isLeafValue(value)) {
      return acceptsPresent || tests.some((test) => test(value));
    }
    const leaves = leafValuesOf(value);
    if (leaves.length === 0) {
      return acceptsAbsent;
    }
    return acceptsPresent || leaves.some((leaf) => tests.some((test) => test(leaf)));
  };
}

/**
 * A pattern object: every field must match (AND) and, when it has `$or`, at least one
 * alternative must match the same object.
 *
 * An absent object is treated as an empty one, so only `exists: false` style fields can
 * still match below it (`{"detail": {"x": [{"exists": false}]}}` matches an event with no
 * `detail`). An array is matched element by element, each element on its own, so fields
 * matched in different elements never combine (EventBridge's array consistency). Any
 * other value (string, number, boolean, null) cannot hold fields and never matches.
 */
export function objectMatcher(
  fields: ReadonlyArray<readonly [string, NodeMatcher]>,
  alternatives: readonly NodeMatcher[],
): NodeMatcher {
  const matchObject = (object: Readonly<Record<string, unknown>>): boolean =>
    fields.every(([key, field]) => field(Object.hasOwn(object, key) ? object[key] : undefined)) &&
    (alternatives.length === 0 || alternatives.some((alternative) => alternative(object)));
  const matchElement = (value: unknown): boolean => {
    if (isPlainObject(value)) {
      return matchObject(value);
    }
    return isArray(value) && value.some(matchElement);
  };
  return (value) => (value === undefined ? matchObject(NO_FIELDS) : matchElement(value));
}
