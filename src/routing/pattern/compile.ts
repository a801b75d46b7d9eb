import { childPath, describeValue, fail, ROOT_PATH } from './diagnostics.js';
import { isArray, isLeafValue, isPlainObject } from './json.js';
import { checkDepth, checkSerializedSize, LeafBudget } from './limits.js';
import { leafMatcher, objectMatcher } from './match.js';
import { compileOperator } from './operators.js';
import type { CompiledPattern, LeafCondition, LeafValue, NodeMatcher } from './types.js';

const OR_KEY = '$or';

/**
 * Validates an Amazon EventBridge event pattern and compiles it into a matcher.
 *
 * Supports exact values (strings, numbers compared by value, booleans, `null`),
 * `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`, `numeric`,
 * `exists`, `cidr` and `$or`, with EventBridge's AND-across-fields, OR-within-a-leaf and
 * any-element-of-an-array semantics. All validation happens here, so `matches` never
 * throws.
 *
 * @param pattern - the parsed JSON pattern; `{}` is rejected (Conveyor expresses
 *   "match everything" by having no filter at all).
 * @returns a reusable, stateless matcher.
 * @throws InvalidFilterError whose message names the offending part of the pattern by
 *   its path (`filter.body.price: …`) and says what was wrong with the value received,
 *   or which of Conveyor's limits (see `PatternLimits`) was exceeded.
 *
 * @example
 * const filter = compilePattern({
 *   key: [{ wildcard: 'orders.*.created' }],
 *   attributes: { region: ['eu', 'us'] },
 *   body: { total: [{ numeric: ['>', 0, '<=', 500] }] },
 * });
 * filter.matches({ key: 'orders.eu.created', attributes: { region: 'eu' }, body: { total: 42 } }); // true
 * filter.matches({ key: 'orders.eu.deleted', attributes: { region: 'eu' }, body: { total: 42 } }); // false
 */
export function compilePattern(pattern: unknown): CompiledPattern {
  if (!isPlainObject(pattern)) {
    fail(ROOT_PATH, `a filter must be a JSON object, but ${describeValue(pattern)} was provided`);
  }
  checkSerializedSize(pattern, ROOT_PATH);
  const root = compileObject(pattern, ROOT_PATH, 1, new LeafBudget());
  return Object.freeze({
    matches: (event: unknown): boolean => isPlainObject(event) && root(event),
  });
}

function compileObject(
  object: Readonly<Record<string, unknown>>,
  path: string,
  depth: number,
  budget: LeafBudget,
): NodeMatcher {
  checkDepth(depth, path);
  const entries = Object.entries(object);
  if (entries.length === 0) {
    fail(path, 'a pattern object needs at least one field, but {} was provided');
  }
  const fields: Array<readonly [string, NodeMatcher]> = [];
  let alternatives: readonly NodeMatcher[] = [];
  for (const [key, value] of entries) {
    const fieldPath = childPath(path, key);
    if (key === OR_KEY) {
      alternatives = compileOr(value, fieldPath, depth, budget);
    } else if (isArray(value)) {
      fields.push([key, compileLeaf(value, fieldPath, budget)]);
    } else if (isPlainObject(value)) {
      fields.push([key, compileObject(value, fieldPath, depth + 1, budget)]);
    } else {
      fail(
        fieldPath,
        `expected an array of match values or a nested pattern object, but ${describeValue(value)} was provided`,
      );
    }
  }
  return objectMatcher(fields, alternatives);
}

// EventBridge only reads "$or" as OR when it holds two or more objects; Conveyor rejects
// anything else instead of quietly treating "$or" as an ordinary field name.
function compileOr(
  value: unknown,
  path: string,
  depth: number,
  budget: LeafBudget,
): readonly NodeMatcher[] {
  if (!isArray(value) || value.length < 2) {
    fail(
      path,
      `"$or" expects an array of at least 2 pattern objects, but ${describeValue(value)} was provided`,
    );
  }
  return value.map((alternative, index) => {
    const alternativePath = `${path}[${index}]`;
    if (!isPlainObject(alternative)) {
      fail(
        alternativePath,
        `"$or" alternatives must be pattern objects, but ${describeValue(alternative)} was provided`,
      );
    }
    return compileObject(alternative, alternativePath, depth + 1, budget);
  });
}

function compileLeaf(values: readonly unknown[], path: string, budget: LeafBudget): NodeMatcher {
  if (values.length === 0) {
    fail(path, 'expected at least one match value, but [] was provided');
  }
  budget.spend(values.length, path);
  const exact = new Set<LeafValue>();
  const conditions: LeafCondition[] = [];
  for (const value of values) {
    if (isLeafValue(value)) {
      exact.add(value);
    } else {
      conditions.push(compileOperator(value, path));
    }
  }
  return leafMatcher(exact, conditions);
}
