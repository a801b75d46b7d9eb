import { describeValue, fail } from './diagnostics.js';
import { isPlainObject } from './json.js';
import { compileWildcard, type TextTest } from './wildcard.js';

/** The one key/value pair of an operator object; EventBridge allows no more, no fewer. */
export function soleEntry(
  operator: Readonly<Record<string, unknown>>,
  path: string,
  what: string,
): readonly [string, unknown] {
  const entries = Object.entries(operator);
  const [entry] = entries;
  if (entry === undefined || entries.length > 1) {
    fail(path, `${what} must hold exactly one operator, but ${describeValue(operator)} was provided`);
  }
  return entry;
}

export interface AffixOperand {
  readonly text: string;
  readonly ignoreCase: boolean;
}

/** Operand of `prefix`/`suffix`: a string, or `{"equals-ignore-case": string}`. */
export function affixOperand(name: string, operand: unknown, path: string): AffixOperand {
  if (typeof operand === 'string') {
    return { text: operand, ignoreCase: false };
  }
  if (isPlainObject(operand)) {
    const entries = Object.entries(operand);
    const [entry] = entries;
    const ignoringCase = entries.length === 1 && entry?.[0] === 'equals-ignore-case';
    if (ignoringCase && typeof entry[1] === 'string') {
      return { text: entry[1], ignoreCase: true };
    }
  }
  return fail(
    path,
    `"${name}" expects a string or {"equals-ignore-case": string}, but ${describeValue(operand)} was provided`,
  );
}

export function stringOperand(name: string, operand: unknown, path: string): string {
  if (typeof operand !== 'string') {
    fail(path, `"${name}" expects a string, but ${describeValue(operand)} was provided`);
  }
  return operand;
}

export function wildcardOperand(name: string, source: string, path: string): TextTest {
  const parsed = compileWildcard(source);
  if (!parsed.ok) {
    fail(path, `"${name}" pattern ${JSON.stringify(source)} is invalid: ${parsed.reason}`);
  }
  return parsed.value;
}
