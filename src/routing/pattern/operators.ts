import { compileAnythingBut } from './anything-but.js';
import { compileCidr } from './cidr.js';
import { describeValue, fail } from './diagnostics.js';
import { isArray, isPlainObject } from './json.js';
import { compileNumeric } from './numeric.js';
import { affixOperand, soleEntry, stringOperand, wildcardOperand } from './operands.js';
import { endsWith, equalsIgnoringCase, onStrings, startsWith } from './text.js';
import type { LeafCondition, ValueTest } from './types.js';

type OperatorCompiler = (operand: unknown, path: string) => LeafCondition;

const valueCondition = (test: ValueTest): LeafCondition => ({ kind: 'value', test });

// A Map rather than an object literal, so keys such as "constructor" or "__proto__"
// cannot resolve to something inherited.
const OPERATORS: ReadonlyMap<string, OperatorCompiler> = new Map<string, OperatorCompiler>([
  [
    'prefix',
    (operand, path) => {
      const { text, ignoreCase } = affixOperand('prefix', operand, path);
      return valueCondition(onStrings(startsWith(text, ignoreCase)));
    },
  ],
  [
    'suffix',
    (operand, path) => {
      const { text, ignoreCase } = affixOperand('suffix', operand, path);
      return valueCondition(onStrings(endsWith(text, ignoreCase)));
    },
  ],
  [
    'equals-ignore-case',
    (operand, path) => {
      const text = stringOperand('equals-ignore-case', operand, path);
      return valueCondition(onStrings(equalsIgnoringCase([text])));
    },
  ],
  [
    'wildcard',
    (operand, path) => {
      const source = stringOperand('wildcard', operand, path);
      return valueCondition(onStrings(wildcardOperand('wildcard', source, path)));
    },
  ],
  ['anything-but', (operand, path) => valueCondition(compileAnythingBut(operand, path))],
  ['numeric', (operand, path) => valueCondition(compileNumeric(operand, path))],
  ['cidr', (operand, path) => valueCondition(compileCidrOperand(operand, path))],
  [
    'exists',
    (operand, path) => {
      if (typeof operand !== 'boolean') {
        fail(path, `"exists" expects true or false, but ${describeValue(operand)} was provided`);
      }
      return { kind: 'exists', present: operand };
    },
  ],
]);

const KNOWN = [...OPERATORS.keys()].sort().join(', ');

/**
 * Compiles one non-scalar entry of a leaf array: an operator object such as
 * `{"prefix": "us-"}`. Scalars are exact matches and are handled by the caller.
 */
export function compileOperator(entry: unknown, path: string): LeafCondition {
  if (isArray(entry)) {
    fail(path, `match values cannot be nested arrays, but ${describeValue(entry)} was provided`);
  }
  if (!isPlainObject(entry)) {
    fail(
      path,
      'match values must be strings, numbers, booleans, null or operator objects, ' +
        `but ${describeValue(entry)} was provided`,
    );
  }
  const [name, operand] = soleEntry(entry, path, 'an operator object');
  const compile = OPERATORS.get(name);
  if (compile === undefined) {
    fail(path, `unknown operator ${JSON.stringify(name)}; the supported operators are ${KNOWN}`);
  }
  return compile(operand, path);
}

function compileCidrOperand(operand: unknown, path: string): ValueTest {
  const source = stringOperand('cidr', operand, path);
  const parsed = compileCidr(source);
  if (!parsed.ok) {
    fail(
      path,
      `"cidr" expects a CIDR block such as "10.0.0.0/24", ` +
        `but ${JSON.stringify(source)} is invalid: ${parsed.reason}`,
    );
  }
  return onStrings(parsed.value);
}
