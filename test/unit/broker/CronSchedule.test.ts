import { CronSchedule } from '../../../src/broker/CronSchedule.js';
import { InvalidRequestError } from '../../../src/domain/errors.js';

const at = (iso: string): number => Date.parse(iso);

describe('Class: CronSchedule', () => {
  describe('Method: parse', () => {
    it.each([
      { case: 'a word', cron: 'every minute', timezone: 'UTC', pattern: /cron/ },
      { case: 'a minute of 61', cron: '61 * * * *', timezone: 'UTC', pattern: /61/ },
      { case: 'an unknown zone', cron: '* * * * *', timezone: 'Mars/Olympus', pattern: /Mars\/Olympus/ },
    ])('rejects $case with InvalidRequestError naming the value', ({ cron, timezone, pattern }) => {
      expect(() => CronSchedule.parse(cron, timezone)).toThrow(InvalidRequestError);
      expect(() => CronSchedule.parse(cron, timezone)).toThrow(pattern);
    });
  });

  describe('Method: nextAfter', () => {
    it('returns the first tick strictly after the given time', () => {
      const cron = CronSchedule.parse('*/5 * * * *', 'UTC');

      expect(cron.nextAfter(at('2026-01-01T00:05:00Z'))).toBe(at('2026-01-01T00:10:00Z'));
    });

    it('follows the time zone, daylight saving included', () => {
      const cron = CronSchedule.parse('0 9 * * *', 'Europe/Berlin');

      expect(cron.nextAfter(at('2026-01-15T00:00:00Z'))).toBe(at('2026-01-15T08:00:00Z'));
      expect(cron.nextAfter(at('2026-07-15T00:00:00Z'))).toBe(at('2026-07-15T07:00:00Z'));
    });

    it('supports a seconds field when six fields are given', () => {
      const cron = CronSchedule.parse('*/10 * * * * *', 'UTC');

      expect(cron.nextAfter(at('2026-01-01T00:00:01Z'))).toBe(at('2026-01-01T00:00:10Z'));
    });
  });

  describe('Method: latestAtOrBefore', () => {
    it('returns the latest tick not after the given time, the tick itself included', () => {
      const cron = CronSchedule.parse('*/5 * * * *', 'UTC');

      expect(cron.latestAtOrBefore(at('2026-01-01T00:07:00Z'))).toBe(at('2026-01-01T00:05:00Z'));
      expect(cron.latestAtOrBefore(at('2026-01-01T00:10:00Z'))).toBe(at('2026-01-01T00:10:00Z'));
    });
  });
});
