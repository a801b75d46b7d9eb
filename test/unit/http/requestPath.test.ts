import { checkRequestPath } from '../../../src/http/paths/requestPath.js';
import { InvalidPathError, preview } from '../../../src/domain/errors.js';
import { rfc3339Millis } from '../../../src/http/schemas/fields.js';

describe('Function: checkRequestPath', () => {
  it.each(['/', '/healthz', '/v1/topics', '/v1/topics/orders/subscriptions/billing/pull', '/v1/topics/a.b', '/v1/topics/%41'])('accepts %s', (path) => {
    expect(() => checkRequestPath(path)).not.toThrow();
  });

  it.each([
    { case: 'an encoded dot-dot', path: '/v1/topics/victim/subscriptions/%2e%2e', mentions: 'dot segment' },
    { case: 'an encoded dot-dot in upper case', path: '/v1/topics/victim/subscriptions/%2E%2E', mentions: 'dot segment' },
    { case: 'a double-encoded dot', path: '/v1/topics/%252e', mentions: 'dot segment' },
    { case: 'a raw dot', path: '/v1/./topics', mentions: 'dot segment' },
    { case: 'a leading //x', path: '//x/v1/topics/victim', mentions: 'single "/"' },
    { case: 'an absolute URL', path: 'http://x/v1/topics', mentions: 'must start with "/"' },
    { case: 'an asterisk', path: '*', mentions: 'must start with "/"' },
    { case: 'an empty segment', path: '/v1//topics', mentions: 'empty segment' },
    { case: 'two trailing slashes', path: '/v1/topics//', mentions: 'empty segment' },
    { case: 'a trailing slash', path: '/v1/topics/victim/', mentions: 'trailing' },
    { case: 'an encoded NUL', path: '/v1/topics/a%00', mentions: 'control character' },
    { case: 'a path of 2049 characters', path: `/${'a'.repeat(2048)}`, mentions: 'at most 2048' },
  ])('refuses $case with InvalidPath (code InvalidName)', ({ path, mentions }) => {
    expect(() => checkRequestPath(path)).toThrow(InvalidPathError);
    expect(() => checkRequestPath(path)).toThrow(mentions);
  });
});

describe('Function: preview', () => {
  it('renders values as JSON, cut at the limit', () => {
    expect([preview({ a: [1, 'x', null] }), preview('y'.repeat(100), 10)]).toEqual(['{"a":[1,"x",null]}', '"yyyyyy...']);
  });

  it('renders 100,000 levels of nesting without recursion', () => {
    // Prepare
    let deep: unknown = [];
    for (let level = 0; level < 100_000; level += 1) deep = [deep];

    // Act + Assess
    expect(preview(deep, 12)).toBe('[[[[[[[[[...');
  });

  it('stops early on an object with a million keys', () => {
    const wide = Object.fromEntries(Array.from({ length: 1_000_000 }, (_, index) => [`k${index}`, index]));

    expect(preview(wide, 20)).toBe('{"k0":0,"k1":1,"k...');
  });
});

describe('Function: rfc3339Millis', () => {
  it.each([
    { text: '2027-02-28T00:00:00Z', expected: Date.UTC(2027, 1, 28) },
    { text: '2024-02-29T23:59:59.999Z', expected: Date.UTC(2024, 1, 29, 23, 59, 59, 999) },
    { text: '2024-01-01T01:00:00+01:00', expected: Date.UTC(2024, 0, 1) },
    { text: '2024-01-01t00:00:00z', expected: Date.UTC(2024, 0, 1) },
  ])('reads $text', ({ text, expected }) => {
    expect(rfc3339Millis(text)).toBe(expected);
  });

  it.each(['2027-02-31T00:00:00Z', '2023-02-29T00:00:00Z', '2027-13-01T00:00:00Z', '2027-01-00T00:00:00Z', '2027-01-01T24:00:00Z', '2027-01-01T00:60:00Z', '2016-12-31T23:59:60Z', '2027-01-01T00:00:00', '2027-01-01 00:00:00Z', '2027-01-01T00:00:00+25:00', 'tomorrow'])(
    'refuses %s',
    (text) => {
      expect(rfc3339Millis(text)).toBeNull();
    },
  );
});
