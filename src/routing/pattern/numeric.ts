import { describeValue, fail } from './diagnostics.js';
import { isArray, isFiniteNumber } from './json.js';
import type { ValueTest } from './types.js';

type Comparison = (value: number) => boolean;

const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);
const OPERATORS = ['<', '<=', '=', '>', '>='];
const SHAPE = '[operator, number] or [">" or ">=", number, "<" or "<=", number]';

/**
 * Compiles `{"numeric": [...]}`. It only matches JSON numbers: EventBridge does not
 * coerce a numeric string such as "5", and neither does Conveyor. Bounds are compared as
 * IEEE doubles, so 300 and 300.0 are the same value.
 */
export function compileNumeric(operand: unknown, path: string): ValueTest {
  if (!isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    fail(path, `"numeric" expects ${SHAPE}, but ${describeValue(operand)} was provided`);
  }
  const operators: string[] = [];
  const bounds: number[] = [];
  for (let index = 0; index < operand.length; index += 2) {
    const operator = operand[index];
    const bound = operand[index + 1];
    if (typeof operator !== 'string' || !OPERATORS.includes(operator)) {
      fail(
        path,
        `"numeric" operators are ${OPERATORS.join(', ')}, but ${describeValue(operator)} was provided`,
      );
    }
    if (!isFiniteNumber(bound)) {
      fail(path, `"numeric" expects numbers, but ${describeValue(bound)} was provided`);
    }
    operators.push(operator);
    bounds.push(bound);
  }
  const comparisons = operators.map((operator, index) => compare(operator, bounds[index] ?? 0));
  if (comparisons.length === 2) {
    checkRange(operators, bounds, operand, path);
  }
  return (value) => typeof value === 'number' && comparisons.every((test) => test(value));
}

// Two comparisons are only useful as a range; anything else is a mistake or matches nothing.
function checkRange(
  operators: readonly string[],
  bounds: readonly number[],
  operand: readonly unknown[],
  path: string,
): void {
  const lowerAt = operators.findIndex((operator) => LOWER.has(operator));
  const upperAt = operators.findIndex((operator) => UPPER.has(operator));
  if (lowerAt === -1 || upperAt === -1) {
    fail(
      path,
      '"numeric" with two comparisons needs one lower bound (> or >=) and one upper bound ' +
        `(< or <=), but ${describeValue(operand)} was provided`,
    );
  }
  const lower = bounds[lowerAt] ?? 0;
  const upper = bounds[upperAt] ?? 0;
  const bothInclusive = operators[lowerAt] === '>=' && operators[upperAt] === '<=';
  if (lower > upper || (lower === upper && !bothInclusive)) {
    fail(
      path,
      `"numeric" range ${describeValue(operand)} can never match: ` +
        'its lower bound is not below its upper bound',
    );
  }
}

function compare(operator: string, bound: number): Comparison {
  switch (operator) {
    case '<':
      return (value) => value < bound;
    case '<=':
      return (value) => value <= bound;
    case '>':
      return (value) => value > bound;
    case '>=':
      return (value) => value >= bound;
    default:
      return (value) => value === bound;
  }
}
