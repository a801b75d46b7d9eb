import type { TextTest } from './wildcard.js';
import type { ValueTest } from './types.js';

/**
 * Case folding for the `equals-ignore-case` variants. Both sides go through the same
 * `toLowerCase`, so the comparison stays symmetric even for characters whose lower-case
 * form is longer than the original.
 */
export function fold(text: string): string {
  return text.toLowerCase();
}

export function startsWith(prefix: string, ignoreCase: boolean): TextTest {
  if (!ignoreCase) {
    return (value) => value.startsWith(prefix);
  }
  const folded = fold(prefix);
  return (value) => fold(value).startsWith(folded);
}

export function endsWith(suffix: string, ignoreCase: boolean): TextTest {
  if (!ignoreCase) {
    return (value) => value.endsWith(suffix);
  }
  const folded = fold(suffix);
  return (value) => fold(value).endsWith(folded);
}

export function equalsIgnoringCase(texts: readonly string[]): TextTest {
  const folded = new Set(texts.map(fold));
  return (value) => folded.has(fold(value));
}

/** String operators only ever look at string values, as EventBridge documents. */
export function onStrings(test: TextTest): ValueTest {
  return (value) => typeof value === 'string' && test(value);
}

/** The `anything-but` form of a string operator: a string that fails the test. */
export function onStringsExcept(test: TextTest): ValueTest {
  return (value) => typeof value === 'string' && !test(value);
}
