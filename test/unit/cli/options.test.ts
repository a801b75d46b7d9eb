import { InvalidArgumentError } from 'commander';
import { commaList, integerIn, jsonObject, jsonValue, keyValue, pointInTime } from '../../../src/cli/options.js';

describe('Module: options', () => {
  describe('Function: integerIn', () => {
    it.each([
      { case: 'the lowest value', value: '1', expected: 1 },
      { case: 'the highest value', value: '100', expected: 100 },
    ])('takes $case', ({ value, expected }) => {
      // Act
      const parsed = integerIn('--max', 1, 100)(value);

      // Assess
      expect(parsed).toBe(expected);
    });

    it.each([
      { case: 'a value past the range', value: '101' },
      { case: 'zero below it', value: '0' },
      { case: 'a fraction', value: '1.5' },
      { case: 'a word', value: 'ten' },
      { case: 'a negative number', value: '-1' },
    ])('refuses $case, naming the flag, the range and the value', ({ value }) => {
      // Act
      const parse = (): number => integerIn('--max', 1, 100)(value);

      // Assess
      expect(parse).toThrow(InvalidArgumentError);
      expect(parse).toThrow(`--max must be an integer between 1 and 100, but ${JSON.stringify(value)} was provided`);
    });
  });

  describe('Function: jsonValue and jsonObject', () => {
    it('parses any JSON value, and objects where an object is needed', () => {
      // Act
      const value = jsonValue('--body')('"text"');
      const object = jsonObject('--filter')('{"key":["a"]}');

      // Assess
      expect(value).toBe('text');
      expect(object).toEqual({ key: ['a'] });
    });

    it.each([
      { case: 'text that is not JSON', parse: () => jsonValue('--body')('hello'), message: /^--body must be JSON \(quote a string: '"text"'\), but "hello" was provided: / },
      { case: 'an array for an object', parse: () => jsonObject('--filter')('[1]'), message: /^--filter must be a JSON object, but "\[1\]" was provided$/ },
    ])('refuses $case', ({ parse, message }) => {
      // Assess
      expect(parse).toThrow(message);
    });
  });

  describe('Function: keyValue', () => {
    it('collects repeated name=value pairs, keeping = in values', () => {
      // Prepare
      const parse = keyValue('--attr');

      // Act
      const attributes = parse('expr=a=b', parse('region=eu', undefined));

      // Assess
      expect(attributes).toEqual({ region: 'eu', expr: 'a=b' });
    });

    it('refuses a pair without a name', () => {
      // Assess
      expect(() => keyValue('--attr')('=eu', undefined)).toThrow('--attr must be name=value, but "=eu" was provided');
    });
  });

  describe('Function: commaList', () => {
    it('splits and collects repeated lists', () => {
      // Prepare
      const parse = commaList('--ids');

      // Act
      const ids = parse('c', parse('a, b', undefined));

      // Assess
      expect(ids).toEqual(['a', 'b', 'c']);
    });

    it('refuses empty items', () => {
      // Assess
      expect(() => commaList('--ids')('a,,b', undefined)).toThrow('--ids takes a comma-separated list without empty items, but "a,,b" was provided');
    });
  });

  describe('Function: pointInTime', () => {
    it.each([
      { case: 'seconds ago', value: '90s', expected: '2026-05-04T09:58:30.000Z' },
      { case: 'minutes ago', value: '15m', expected: '2026-05-04T09:45:00.000Z' },
      { case: 'days ago', value: '7d', expected: '2026-04-27T10:00:00.000Z' },
      { case: 'an RFC 3339 time, as written', value: '2026-05-04T08:00:00+02:00', expected: '2026-05-04T08:00:00+02:00' },
    ])('reads $case', ({ value, expected }) => {
      // Act
      const time = pointInTime('--from-time', () => Date.parse('2026-05-04T10:00:00Z'))(value);

      // Assess
      expect(time).toBe(expected);
    });

    it('refuses a time without a zone', () => {
      // Assess
      expect(() => pointInTime('--from-time')('2026-05-04T10:00:00')).toThrow(/^--from-time must be an RFC 3339 time with a zone .* but "2026-05-04T10:00:00" was provided$/);
    });
  });
});
