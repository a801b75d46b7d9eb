import { CronExpressionParser, type CronFieldCollection } from 'cron-parser';
import { InvalidRequestError } from '../../domain/errors.js';

/**
 * What an EventBridge Scheduler schedule fires on for a Conveyor cron. The
 * Scheduler is only the alarm clock: its target calls `schedules.fireDue()`,
 * which publishes each tick that is due (deduplicated by tick id). So a
 * schedule that fires more often than the cron is still correct, only busier:
 * when a Conveyor cron has no exact EventBridge form, `rate(1 minute)` wakes
 * the target every minute and each tick is published in the minute after its
 * time.
 */
export interface AwsScheduleExpression {
  /** `cron(minutes hours day-of-month month day-of-week year)`, or `rate(1 minute)`. */
  readonly expression: string;
  /** Whether EventBridge fires exactly at the cron's ticks. */
  readonly exact: boolean;
  /** Why the cron has no exact EventBridge form; null when `exact`. */
  readonly reason: string | null;
}

export const FALLBACK_SCHEDULE_EXPRESSION = 'rate(1 minute)';

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** EventBridge's day fields: exactly one of them must be `?`. */
interface DayFields {
  readonly dayOfMonth: string;
  readonly dayOfWeek: string;
}

class Inexpressible extends Error {}

/**
 * Translates a Conveyor cron (cron-parser syntax: five fields, or six with
 * seconds first; names, ranges, steps, `L` in day-of-month, `#` and `L` in
 * day-of-week, `H`, `@daily` and the like) into an EventBridge Scheduler
 * expression in the same time zone (the caller sets ScheduleExpressionTimezone).
 *
 * The translation works on the values cron-parser expands each field to, so
 * whatever cron-parser accepts is read exactly as CronSchedule reads it. It
 * falls back to `rate(1 minute)` (see AwsScheduleExpression) when EventBridge
 * cannot fire on the same ticks:
 * - a seconds field other than 0 (EventBridge has no seconds);
 * - `H` (cron-parser draws a random value on every parse, so there is no
 *   fixed tick to give EventBridge);
 * - day-of-month and day-of-week both restricted (Unix cron fires when
 *   either matches; EventBridge needs `?` in one of them), unless one of them
 *   allows every day;
 * - `5L` (last Friday of the month) and `L` in a list (EventBridge documents
 *   `L` alone only), and `#` on more than one weekday.
 *
 * @example
 * toAwsCron('*\/15 9-17 * * 1-5'); // { expression: 'cron(0/15 9-17 ? * MON-FRI *)', exact: true, reason: null }
 * toAwsCron('0 0 1 * 1');         // { expression: 'rate(1 minute)', exact: false, reason: 'day-of-month and day-of-week ...' }
 */
export function toAwsCron(cron: string): AwsScheduleExpression {
  const fields = parseFields(cron);
  try {
    if (isHashed(cron)) throw new Inexpressible('H picks a random value each time the cron is read, so it has no fixed ticks');
    const seconds = numbers(fields.second.values);
    if (seconds.length !== 1 || seconds[0] !== 0) throw new Inexpressible(`it fires at second ${seconds.join(',')} of a minute and EventBridge cron has no seconds`);
    const days = dayFields(fields);
    // At most about 240 characters even for the most ragged lists: within EventBridge's 256.
    const expression = `cron(${[
      stepsOrList(numbers(fields.minute.values), 0, 59),
      stepsOrList(numbers(fields.hour.values), 0, 23),
      days.dayOfMonth,
      stepsOrList(numbers(fields.month.values), 1, 12),
      days.dayOfWeek,
      '*',
    ].join(' ')})`;
    return { expression, exact: true, reason: null };
  } catch (error) {
    if (!(error instanceof Inexpressible)) throw error;
    return { expression: FALLBACK_SCHEDULE_EXPRESSION, exact: false, reason: error.message };
  }
}

function parseFields(cron: string): CronFieldCollection {
  try {
    return CronExpressionParser.parse(cron).fields;
  } catch (error) {
    throw new InvalidRequestError(`cron must be a 5- or 6-field cron expression, but ${JSON.stringify(cron)} was provided: ${(error as Error).message}`);
  }
}

/** Whether a field uses cron-parser's `H`; day and month names (THU) are taken out first. */
function isHashed(cron: string): boolean {
  return !cron.trim().startsWith('@') && /H/.test(cron.replace(/[a-z]{3}/gi, ''));
}

function numbers(values: readonly (number | string)[]): number[] {
  return values.filter((value): value is number => typeof value === 'number');
}

/**
 * Day-of-month and day-of-week as EventBridge wants them. cron-parser, like
 * Unix cron, fires on a day that matches either field when both are
 * restricted, and on the restricted one's days when only one is.
 */
function dayFields(fields: CronFieldCollection): DayFields {
  const { dayOfMonth, dayOfWeek } = fields;
  const monthDays = monthDaysField(dayOfMonth.values);
  const weekDays = weekDaysField(dayOfWeek.values, dayOfWeek.nthDay);
  if (dayOfMonth.isWildcard && dayOfWeek.isWildcard) return { dayOfMonth: '*', dayOfWeek: '?' };
  if (dayOfWeek.isWildcard) return { dayOfMonth: required(monthDays), dayOfWeek: '?' };
  if (dayOfMonth.isWildcard) return { dayOfMonth: '?', dayOfWeek: required(weekDays) };
  // Both restricted: either one matching is enough, so one that allows every day makes every day match.
  if (monthDays === '*' || weekDays === '*') return { dayOfMonth: '*', dayOfWeek: '?' };
  throw new Inexpressible('day-of-month and day-of-week are both restricted, which fires on days matching either, and EventBridge cron can restrict only one of them');
}

function required(field: string | Inexpressible): string {
  if (field instanceof Inexpressible) throw field;
  return field;
}

function monthDaysField(values: readonly (number | string)[]): string | Inexpressible {
  if (values.includes('L')) return values.length === 1 ? 'L' : new Inexpressible('L is combined with other days of the month');
  return stepsOrList(numbers(values), 1, 31);
}

/** EventBridge numbers weekdays 1-7 from Sunday; cron-parser 0-7 with 0 and 7 both Sunday. */
function weekDaysField(values: readonly (number | string)[], nth: number): string | Inexpressible {
  if (values.some((value) => typeof value === 'string')) return new Inexpressible('the last given weekday of a month (such as 5L) has no documented EventBridge form');
  const days = [...new Set(numbers(values).map((day) => day % 7))].sort((a, b) => a - b);
  if (nth > 0) {
    const [day] = days;
    if (days.length !== 1 || day === undefined) return new Inexpressible(`#${nth} applies to more than one weekday`);
    return `${day + 1}#${nth}`;
  }
  if (days.length === DAY_NAMES.length) return '*';
  return runs(days)
    .map(([first, last]) => (first === last ? dayName(first) : last === first + 1 ? `${dayName(first)},${dayName(last)}` : `${dayName(first)}-${dayName(last)}`))
    .join(',');
}

function dayName(day: number): string {
  return DAY_NAMES[day] ?? String(day + 1);
}

/**
 * A field's values, sorted and distinct, as EventBridge reads them: `*` for
 * every value, `start/step` for a step that runs to the field's end (three
 * values at least), else ranges and single values (`1-5,9,12`).
 */
function stepsOrList(values: readonly number[], min: number, max: number): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length === max - min + 1) return '*';
  const [first, second] = sorted;
  const last = sorted.at(-1);
  if (first !== undefined && second !== undefined && last !== undefined && sorted.length >= 3) {
    const step = second - first;
    const even = sorted.every((value, index) => value === first + index * step);
    if (step > 1 && even && last + step > max) return `${first}/${step}`;
  }
  return runs(sorted)
    .map(([from, to]) => (from === to ? `${from}` : to === from + 1 ? `${from},${to}` : `${from}-${to}`))
    .join(',');
}

/** Consecutive runs of sorted distinct values: [1,2,3,7] → [[1,3],[7,7]]. */
function runs(sorted: readonly number[]): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  for (const value of sorted) {
    const current = result.at(-1);
    if (current !== undefined && value === current[1] + 1) current[1] = value;
    else result.push([value, value]);
  }
  return result;
}
