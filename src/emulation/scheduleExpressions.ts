import { CronExpressionParser } from 'cron-parser';

/**
 * The next-tick arithmetic of EventBridge Scheduler's three expression kinds,
 * for the emulator that fires schedules moto only stores:
 * `at(yyyy-mm-ddThh:mm:ss)`, `rate(n unit)` and `cron(min hour dom month dow year)`.
 */
export interface ScheduleTicks {
  /** The latest tick in (after, until], or null. */
  latestTick(after: number, until: number): number | null;
  /** Whether no tick can ever follow `after` (a one-time schedule that fired). */
  readonly oneTime: boolean;
}

const RATE_UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

/** Offset of `timezone` from UTC at `at`, in ms (positive east of Greenwich). */
function zoneOffsetMs(timezone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(at));
  const field = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second')) - Math.floor(at / 1000) * 1000;
}

/** AWS cron's day of week is 1-7 from Sunday; cron-parser's is 0-6 from Sunday. Names stay. */
function shiftDayOfWeek(field: string): string {
  return field.replace(/(^|[,\-])(\d)/g, (_match, separator: string, day: string) => `${separator}${Number(day) - 1}`);
}

/** `cron(m h dom mon dow year)` as a 5-field expression cron-parser reads; only `*` is supported for the year. */
export function fromAwsCron(body: string): string {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`cron(${body}) must have 6 fields`);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if (year !== '*') throw new Error(`cron(${body}): only * is supported for the year here`);
  const wild = (field: string): string => (field === '?' ? '*' : field);
  return [minute, hour, wild(dayOfMonth), month, shiftDayOfWeek(wild(dayOfWeek))].join(' ');
}

/** Parses a Scheduler expression; `anchor` is when the schedule started (for `rate`). */
export function scheduleTicks(expression: string, timezone: string, anchor: number): ScheduleTicks {
  const match = /^(at|rate|cron)\((.*)\)$/.exec(expression.trim());
  if (match === null) throw new Error(`unknown schedule expression ${expression}`);
  const [, kind, body] = match as unknown as [string, 'at' | 'rate' | 'cron', string];
  if (kind === 'at') {
    const local = Date.parse(`${body}Z`);
    if (Number.isNaN(local)) throw new Error(`at(${body}) is not a date`);
    const at = local - zoneOffsetMs(timezone, local);
    return { oneTime: true, latestTick: (after, until) => (at > after && at <= until ? at : null) };
  }
  if (kind === 'rate') {
    const [count, unit] = body.trim().split(/\s+/);
    const periodMs = Number(count) * (RATE_UNITS[unit ?? ''] ?? Number.NaN);
    if (!(periodMs > 0)) throw new Error(`rate(${body}) is not a rate`);
    return {
      oneTime: false,
      latestTick: (after, until) => {
        const tick = anchor + Math.floor((until - anchor) / periodMs) * periodMs;
        return tick > after && tick <= until ? tick : null;
      },
    };
  }
  const cron = fromAwsCron(body);
  return {
    oneTime: false,
    latestTick: (after, until) => {
      const tick = CronExpressionParser.parse(cron, { tz: timezone, currentDate: new Date(until + 1) }).prev().getTime();
      return tick > after && tick <= until ? tick : null;
    },
  };
}
