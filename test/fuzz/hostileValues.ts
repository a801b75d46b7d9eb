import { RawJson } from './jsonText.js';

/** `depth` nested arrays, `[[[…]]]`. */
export const deepArrays = (depth: number): RawJson => new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`, `${depth} nested arrays`);
/** `depth` nested objects, `{"a":{"a":…{}}}`. */
export const deepObjects = (depth: number): RawJson => new RawJson(`${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`, `${depth} nested objects`);
/** An object with `count` keys. */
export const wideObject = (count: number): RawJson =>
  new RawJson(`{${Array.from({ length: count }, (_, index) => `"k${index}":"v"`).join(',')}}`, `an object with ${count} keys`);
/** An array of `count` small strings. */
export const wideArray = (count: number): RawJson => new RawJson(`[${Array.from({ length: count }, () => '"x"').join(',')}]`, `an array of ${count} strings`);
/** A JSON string of `chars` ASCII characters. */
export const longString = (chars: number): string => 'x'.repeat(chars);

/**
 * Path segments a client can send in place of a name or a number: dot segments raw
 * and percent-encoded in any case, empty segments, NUL, encoded slashes and
 * backslashes, invalid or overlong UTF-8 escapes, names just over the 48-character
 * limit and far over it. Bytes HTTP forbids in a request target (a raw NUL, a
 * space, raw unicode) are in MALFORMED_HTTP instead.
 */
export const HOSTILE_SEGMENTS: readonly string[] = [
  '%2e%2e',
  '..',
  '.',
  '%2e',
  '%2E%2e',
  '%2e.',
  '.%2E',
  '%2E%2E',
  '...',
  '',
  '%00',
  'victim%00',
  '%zz',
  '%',
  '%2',
  '%c0%ae',
  '%c0%ae%c0%ae',
  '%e0%80%ae',
  '%ef%bc%8e%ef%bc%8e',
  '%u002e%u002e',
  '%2f',
  'victim%2fsubscriptions%2fworker',
  '..%2f',
  '%2e%2e%2f%2e%2e',
  '%5c..',
  '..%5c',
  '..;',
  'victim;x=1',
  '%76ictim',
  'VICTIM',
  '-victim',
  '_x',
  'victim%20',
  '%20',
  '+',
  '%2B',
  '%F0%9F%92%A9',
  '%E2%80%AE',
  '%C3%A9t%C3%A9',
  'a'.repeat(48),
  'a'.repeat(49),
  'a'.repeat(10_000),
  '-1',
  '64',
  '1e1',
  '0x1',
  '%30',
  '00',
  '1.0',
  '18446744073709551616',
];

/** Ways to wrap a valid path: a suffix, a prefix, or a dot segment in the middle. */
export const PATH_SUFFIXES: readonly string[] = ['/', '/.', '/..', '/%2e', '/%2e%2e', '/%2E%2e', '//', '/x/..', '/x/%2e%2e', '/%2e%2e/%2e%2e', `${'/a'.repeat(2000)}`, '#/../x'];
export const PATH_PREFIXES: readonly string[] = ['//x', '//', '/.', '/%2e', '/%2e%2e', '/v1/..', '/./', '/v1/%2e%2e'];
export const DOT_INSERTS: readonly string[] = ['/.', '/%2e', '/x/..', '/x/%2e%2e', '/X/%2E%2E', '/'];

/** Numbers that break naive code: beyond 2^53, beyond 2^64, beyond double range, negative zero. */
export const HUGE_NUMBERS: readonly RawJson[] = [
  '1e308',
  '-1e308',
  '1e400',
  '-1e400',
  '-0',
  '18446744073709551616',
  '9007199254740993',
  '-9223372036854775809',
  '123456789012345678901234567890',
  '0.1',
  '1e-400',
  '4.5',
].map((text) => new RawJson(text));

/**
 * Timestamps that are not real instants (February 30, hour 24, minute 60), leap
 * seconds, years out of range, and RFC 3339 look-alikes.
 */
export const IMPOSSIBLE_DATES: readonly string[] = [
  '2027-02-31T00:00:00Z',
  '2024-02-30T12:00:00Z',
  '2023-02-29T00:00:00Z',
  '2024-04-31T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T23:60:00Z',
  '2024-01-01T12:30:60Z',
  '2016-12-31T23:59:60Z',
  '2024-13-01T00:00:00Z',
  '2024-00-10T00:00:00Z',
  '2024-01-00T00:00:00Z',
  '2024-01-01T00:00:00+24:00',
  '2024-01-01T00:00:00-00:60',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00Z',
  '2024-01-01T00:00:00',
  '2024-01-01',
  '2024-01-01 00:00:00Z',
  '2024-01-01t00:00:00z',
  '2024-01-01T00:00:00.Z',
  '2024-01-01T00:00:00.0000000000001Z',
  '1704067200',
  'now',
];

/** Values of the wrong type for any field, including deep and wide JSON. */
export const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  '',
  'x',
  '123',
  [],
  {},
  [1, 2],
  { a: 1 },
  '\u0000',
  '\ud800',
  '\u202e',
  '../..',
  '%2e%2e',
  longString(300_000),
  deepArrays(5000),
  deepObjects(5000),
  wideObject(10_000),
  wideArray(10_000),
  ...HUGE_NUMBERS,
];

/** Whole bodies that are not the object an operation takes, or not JSON at all. */
export const HOSTILE_BODY_TEXTS: readonly string[] = [
  'null',
  '[]',
  '[{}]',
  '0',
  '"x"',
  'true',
  '{',
  '{"a":1,}',
  "{'a':1}",
  '{a:1}',
  '\u0000',
  '\ufeff{}',
  '{}{}',
  '{"__proto__":{"partitions":65}}',
  '{"constructor":{"prototype":{"x":1}}}',
  'NaN',
  '1e400',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
  ' ',
];

/** content-type values for a JSON body: absent (undefined), wrong, or odd but valid. */
export const CONTENT_TYPES: ReadonlyArray<string | undefined> = [
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'application/json-patch+json',
  'application/problem+json',
  'APPLICATION/JSON',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json, text/plain',
  '',
  'json',
];

/** Query strings added to any operation: unknown, repeated, empty, malformed, long. */
export const HOSTILE_QUERIES: readonly string[] = ['?', '?&&&', '?=', '?x', '?x=%zz', '?%zz=1', '?x=%00', `?x=${'a'.repeat(8000)}`, '?x=1&x=2', '?limit[]=1', '?__proto__=1'];

/** Strings in place of a name inside a body (a schedule's topic): path tricks that must not pass as names. */
export const NAME_LIKE: readonly string[] = ['..', '.', '../victim', 'victim/..', 'victim/subscriptions/worker', '%2e%2e', 'victim\u0000', ' victim', 'a'.repeat(49)];

/**
 * Values for a declared query parameter, sent percent-encoded unless they start
 * with `%`. Nesting stays at 1,000 levels (6 KB encoded): a target over the HTTP
 * parser's 16 KiB is a malformed-HTTP case, not a query value.
 */
export const QUERY_VALUES: readonly string[] = ['', 'abc', 'null', '-0', '-1', '1.5', '1e3', '0x10', ' 5', '5 ', '007', '18446744073709551616', '1e400', '%zz', '%00', '%', `${'['.repeat(1000)}${']'.repeat(1000)}`, '[1]', '{"a":1}'];
