import { describeValue, fail } from './diagnostics.js';
import { isArray, isFiniteNumber, isPlainObject } from './json.js';
import { soleEntry, stringOperand, wildcardOperand } from './operands.js';
import { endsWith, equalsIgnoringCase, onStringsExcept, startsWith } from './text.js';
import type { LeafValue, ValueTest } from './types.js';
import type { TextTest } from './wildcard.js';

const EXPECTED =
  'a string, a number, a non-empty array of only strings or only numbers, ' +
  'or an object with one of "prefix", "suffix", "equals-ignore-case", "wildcard"';

/**
 * Compiles `{"anything-but": …}`. A missing field never reaches these tests, so
 * anything-but never matches an absent field.
 *
 * Type choice, following EventBridge's wording ("matches anything except what's provided
 * in the rule"): the string/number forms are the exact complement of exact matching on a
 * present value. Exact matching is type-strict, so `{"anything-but": 123}` matches the
 * string "123", any other string, other numbers, booleans and null; `{"anything-but":
 * "x"}` likewise matches numbers. The `prefix`/`suffix`/`equals-ignore-case`/`wildcard`
 * forms only match strings, because EventBridge documents those operators as working
 * on string values only.
 */
export function compileAnythingBut(operand: unknown, path: string): ValueTest {
  if (typeof operand === 'string' || isFiniteNumber(operand)) {
    return excluding([operand]);
  }
  if (isArray(operand)) {
    return excluding(listOperand(operand, path));
  }
  if (isPlainObject(operand)) {
    return onStringsExcept(stringForm(operand, path));
  }
  return fail(
    path,
    `"anything-but" expects ${EXPECTED}, but ${describeValue(operand)} was provided`,
  );
}

function excluding(values: readonly LeafValue[]): ValueTest {
  const excluded = new Set<LeafValue>(values);
  return (value) => !excluded.has(value);
}

function listOperand(list: readonly unknown[], path: string): readonly LeafValue[] {
  const allStrings = list.every((item) => typeof item === 'string');
  const allNumbers = list.every(isFiniteNumber);
  if (list.length === 0 || !(allStrings || allNumbers)) {
    fail(
      path,
      `"anything-but" expects a non-empty array of only strings or only numbers, ` +
        `but ${describeValue(list)} was provided`,
    );
  }
  return list.filter(
    (item): item is string | number => typeof item === 'string' || isFiniteNumber(item),
  );
}

function stringForm(operator: Readonly<Record<string, unknown>>, path: string): TextTest {
  const [name, operand] = soleEntry(operator, path, 'an "anything-but" object');
  switch (name) {
    case 'prefix':
    case 'suffix': {
      const text = stringOperand(`anything-but ${name}`, operand, path);
      return name === 'prefix' ? startsWith(text, false) : endsWith(text, false);
    }
    case 'equals-ignore-case':
      return equalsIgnoringCase(stringList(name, operand, path));
    case 'wildcard': {
      const tests = stringList(name, operand, path).map((source) =>
        wildcardOperand('anything-but wildcard', source, path),
      );
      return (value) => tests.some((test) => test(value));
    }
    default:
      return fail(
        path,
        `"anything-but" supports "prefix", "suffix", "equals-ignore-case" and "wildcard", ` +
          `but ${JSON.stringify(name)} was provided`,
      );
  }
}

function stringList(name: string, operand: unknown, path: string): readonly string[] {
  if (typeof operand === 'string') {
    return [operand];
  }
  if (isArray(operand) && operand.length > 0 && operand.every((item) => typeof item === 'string')) {
    return operand.filter((item): item is string => typeof item === 'string');
  }
  return fail(
    path,
    `"anything-but" ${name} expects a string or a non-empty array of strings, ` +
      `but ${describeValue(operand)} was provided`,
  );
}
