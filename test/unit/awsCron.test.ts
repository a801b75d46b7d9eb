import { CronExpressionParser } from 'cron-parser';
import { toAwsCron } from '../../src/adapters/aws/awsCron.js';
import { InvalidRequestError } from '../../src/domain/errors.js';

/** The next `count` ticks of a cron-parser expression after 2026-01-01, in UTC. */
function ticks(expression: string, count = 40): number[] {
  const cron = CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: new Date('2026-01-01T00:00:00Z') });
  return Array.from({ length: count }, () => cron.next().getTime());
}

/**
 * The EventBridge expression read back as cron-parser syntax: the same text,
 * except that `d#n` numbers weekdays from 1 = SUN (other weekdays come out as names).
 */
function asUnixCron(awsExpression: string): string {
  const fields = /^cron\((.*) \*\)$/.exec(awsExpression)?.[1]?.split(' ') ?? [];
  return fields.map((field, index) => (index === 4 ? field.replace(/^(\d)#(\d)$/, (_, day: string, nth: string) => `${Number(day) - 1}#${nth}`) : field)).join(' ');
}

describe('Function: toAwsCron', () => {
  describe('with a cron EventBridge can express', () => {
    it.each([
      { case: 'every minute', cron: '* * * * *', expected: 'cron(* * * * ? *)' },
      { case: 'a daily time', cron: '0 2 * * *', expected: 'cron(0 2 * * ? *)' },
      { case: 'a step over working hours on weekdays', cron: '*/15 9-17 * * 1-5', expected: 'cron(0/15 9-17 ? * MON-FRI *)' },
      { case: 'a step that starts late', cron: '5-59/20 * * * *', expected: 'cron(5/20 * * * ? *)' },
      { case: 'a step that stops before the end', cron: '0-30/10 * * * *', expected: 'cron(0,10,20,30 * * * ? *)' },
      { case: 'a list with a run', cron: '5,10,11,12,40 * * * *', expected: 'cron(5,10-12,40 * * * ? *)' },
      { case: 'two neighbouring hours', cron: '0 9,10 * * *', expected: 'cron(0 9,10 * * ? *)' },
      { case: 'a day of the month', cron: '30 8 1 * *', expected: 'cron(30 8 1 * ? *)' },
      { case: 'every other day of the month', cron: '0 0 */2 * *', expected: 'cron(0 0 1/2 * ? *)' },
      { case: 'every day of the month spelled as a range', cron: '0 0 1-31 * *', expected: 'cron(0 0 * * ? *)' },
      { case: 'the last day of the month', cron: '0 0 L * *', expected: 'cron(0 0 L * ? *)' },
      { case: 'month names', cron: '0 0 1 JAN-MAR *', expected: 'cron(0 0 1 1-3 ? *)' },
      { case: 'a month step', cron: '0 0 1 */3 *', expected: 'cron(0 0 1 1/3 ? *)' },
      { case: 'Sunday as 0', cron: '0 0 * * 0', expected: 'cron(0 0 ? * SUN *)' },
      { case: 'Sunday as 7', cron: '0 0 * * 7', expected: 'cron(0 0 ? * SUN *)' },
      { case: 'a weekday range through Sunday as 7', cron: '0 0 * * 5-7', expected: 'cron(0 0 ? * SUN,FRI,SAT *)' },
      { case: 'weekday names', cron: '0 0 * * MON,WED,FRI', expected: 'cron(0 0 ? * MON,WED,FRI *)' },
      { case: 'a weekday step', cron: '0 0 * * */2', expected: 'cron(0 0 ? * SUN,TUE,THU,SAT *)' },
      { case: 'the first Monday of the month', cron: '0 9 * * 1#1', expected: 'cron(0 9 ? * 2#1 *)' },
      { case: 'the third Friday of the month', cron: '0 9 * * FRI#3', expected: 'cron(0 9 ? * 6#3 *)' },
      { case: 'a question mark in day-of-month', cron: '0 0 ? * MON', expected: 'cron(0 0 ? * MON *)' },
      { case: 'both day fields restricted but one allowing every day', cron: '0 0 1 * 0-6', expected: 'cron(0 0 * * ? *)' },
      { case: 'six fields with second 0', cron: '0 12 * * * *', expected: 'cron(12 * * * ? *)' },
      { case: '@daily', cron: '@daily', expected: 'cron(0 0 * * ? *)' },
      { case: '@weekly', cron: '@weekly', expected: 'cron(0 0 ? * SUN *)' },
      { case: '@weekdays', cron: '@weekdays', expected: 'cron(0 0 ? * MON-FRI *)' },
      { case: 'Thursday, whose name holds an H', cron: '0 0 * * THU', expected: 'cron(0 0 ? * THU *)' },
    ])('translates $case ($cron) to $expected', ({ cron, expected }) => {
      // Act
      const translated = toAwsCron(cron);

      // Assess
      expect(translated).toEqual({ expression: expected, exact: true, reason: null });
    });

    it.each([
      '* * * * *',
      '*/15 9-17 * * 1-5',
      '5-59/20 * * * *',
      '0 0 */2 * *',
      '0 0 L * *',
      '0 0 1 */3 *',
      '0 0 * * 5-7',
      '0 0 * * */2',
      '0 9 * * 1#1',
      '0 9 * * FRI#3',
      '0 0 1 * 0-6',
      '0 4,16 1,15 * *',
    ])('fires on the same ticks as %s', (cron) => {
      // Act
      const { expression } = toAwsCron(cron);

      // Assess
      expect(ticks(asUnixCron(expression))).toEqual(ticks(cron));
    });
  });

  describe('with a cron EventBridge cannot express', () => {
    it.each([
      { case: 'a seconds step', cron: '*/10 * * * * *', reason: /second 0,10,20,30,40,50/ },
      { case: 'a tick at second 30', cron: '30 0 * * * *', reason: /second 30/ },
      { case: 'both day fields restricted', cron: '0 0 1 * 1', reason: /day-of-month and day-of-week are both restricted/ },
      { case: 'the last Friday of the month', cron: '0 0 * * 5L', reason: /5L/ },
      { case: 'L in a list of days', cron: '0 0 1,L * *', reason: /L is combined/ },
      { case: 'a hashed minute', cron: 'H * * * *', reason: /H picks a random value/ },
    ])('falls back to rate(1 minute) for $case, saying why', ({ cron, reason }) => {
      // Act
      const translated = toAwsCron(cron);

      // Assess
      expect(translated).toEqual({ expression: 'rate(1 minute)', exact: false, reason: expect.stringMatching(reason) });
    });
  });

  describe('with an invalid cron', () => {
    it.each([
      { case: 'a word', cron: 'every minute' },
      { case: 'a minute of 61', cron: '61 * * * *' },
      { case: 'seven fields', cron: '0 0 0 * * * 2026' },
    ])('throws InvalidRequestError naming $case', ({ cron }) => {
      expect(() => toAwsCron(cron)).toThrow(InvalidRequestError);
      expect(() => toAwsCron(cron)).toThrow(JSON.stringify(cron));
    });
  });
});
