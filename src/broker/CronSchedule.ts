import { CronExpressionParser } from 'cron-parser';
import { InvalidRequestError } from '../domain/errors.js';

function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new InvalidRequestError(`timezone must be an IANA time zone such as "UTC" or "Europe/Berlin", but ${JSON.stringify(timezone)} was provided`);
  }
}

/**
 * A cron expression in a time zone: five fields (minute first) or six
 * (seconds first), as cron-parser reads them.
 */
export class CronSchedule {
  private constructor(
    private readonly expression: string,
    private readonly timezone: string,
  ) {}

  /** Validates both parts; the message says what was wrong with which. */
  public static parse(expression: string, timezone: string): CronSchedule {
    checkTimezone(timezone);
    try {
      CronExpressionParser.parse(expression, { tz: timezone }).next();
    } catch (error) {
      throw new InvalidRequestError(`cron must be a 5- or 6-field cron expression, but ${JSON.stringify(expression)} was provided: ${(error as Error).message}`);
    }
    return new CronSchedule(expression, timezone);
  }

  /** First tick strictly after `after` (epoch ms), or null if the expression never fires again. */
  public nextAfter(after: number): number | null {
    try {
      return CronExpressionParser.parse(this.expression, { tz: this.timezone, currentDate: new Date(after) }).next().getTime();
    } catch {
      return null;
    }
  }

  /** Latest tick at or before `at`, or null. */
  public latestAtOrBefore(at: number): number | null {
    try {
      return CronExpressionParser.parse(this.expression, { tz: this.timezone, currentDate: new Date(at + 1) }).prev().getTime();
    } catch {
      return null;
    }
  }
}
