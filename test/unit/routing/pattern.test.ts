import { InvalidFilterError } from '../../../src/domain/errors.js';
import { compilePattern, PatternLimits } from '../../../src/routing/pattern/index.js';

/** The example event used throughout EventBridge's "Content filtering" documentation. */
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
    location: 'us-east-1',
  },
};

/** A Conveyor message as the matcher sees it. */
const message = (key: string | null, attributes: Record<string, string>, body: unknown): unknown => ({
  key,
  attributes,
  body,
});

const matches = (pattern: unknown, event: unknown): boolean => compilePattern(pattern).matches(event);

interface MatchCase {
  readonly case: string;
  readonly pattern: unknown;
  readonly event: unknown;
  readonly expected: boolean;
}

interface InvalidCase {
  readonly case: string;
  readonly pattern: unknown;
  readonly message: string;
}

const expectInvalid = (pattern: unknown, expectedMessage: string): void => {
  const act = (): unknown => compilePattern(pattern);
  expect(act).toThrow(InvalidFilterError);
  expect(act).toThrow(expectedMessage);
};

describe('Function: compilePattern', () => {
  describe('exact matching', () => {
    it('matches the documented EC2 state-change pattern', () => {
      // Prepare
      const filter = compilePattern({
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['running'] },
      });

      // Act
      const result = filter.matches(ec2Event);

      // Assess
      expect(result).toBe(true);
    });

    it.each<MatchCase>([
      { case: 'a listed state', pattern: { detail: { state: ['initializing', 'running'] } }, event: ec2Event, expected: true },
      { case: 'no listed state', pattern: { detail: { state: ['stopped', 'terminated'] } }, event: ec2Event, expected: false },
      { case: 'strings case-sensitively', pattern: { source: ['AWS.EC2'] }, event: ec2Event, expected: false },
      { case: 'all fields (AND), one failing', pattern: { source: ['aws.ec2'], region: ['eu-west-1'] }, event: ec2Event, expected: false },
      { case: 'nested fields', pattern: { detail: { location: ['us-east-1'], 'c-count': [5] } }, event: ec2Event, expected: true },
      { case: 'a number by value (300 vs 300.0)', pattern: { n: [300] }, event: JSON.parse('{"n": 300.0}'), expected: true },
      { case: 'a number written with an exponent', pattern: { detail: { 'x-limit': [3.018e2] } }, event: ec2Event, expected: true },
      { case: 'a number against its string form', pattern: { n: [300] }, event: { n: '300' }, expected: false },
      { case: 'a string against a number', pattern: { n: ['300'] }, event: { n: 300 }, expected: false },
      { case: 'a boolean', pattern: { ok: [true] }, event: { ok: true }, expected: true },
      { case: 'a boolean against its string form', pattern: { ok: [true] }, event: { ok: 'true' }, expected: false },
      { case: 'null against a null value', pattern: { detail: { responseElements: [null] } }, event: { detail: { responseElements: null } }, expected: true },
      { case: 'null against a missing field', pattern: { detail: { responseElements: [null] } }, event: { detail: {} }, expected: false },
      { case: 'null against an empty string', pattern: { v: [null] }, event: { v: '' }, expected: false },
      { case: 'an empty string', pattern: { detail: { eventVersion: [''] } }, event: { detail: { eventVersion: '' } }, expected: true },
      { case: 'an empty string against null', pattern: { v: [''] }, event: { v: null }, expected: false },
      { case: 'a missing field', pattern: { detail: { missing: ['x'] } }, event: ec2Event, expected: false },
      { case: 'a nested pattern against a string', pattern: { detail: { state: ['running'] } }, event: { detail: 'running' }, expected: false },
      { case: 'a nested pattern against null', pattern: { detail: { state: ['running'] } }, event: { detail: null }, expected: false },
      { case: 'a leaf against an object value', pattern: { detail: ['running'] }, event: ec2Event, expected: false },
      { case: 'an inherited property name', pattern: { constructor: [{ exists: true }] }, event: {}, expected: false },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  describe('arrays in events', () => {
    it.each<MatchCase>([
      { case: 'any element of the event array', pattern: { tags: ['admin'] }, event: { tags: ['user', 'admin'] }, expected: true },
      { case: 'no element of the event array', pattern: { tags: ['root'] }, event: { tags: ['user', 'admin'] }, expected: false },
      { case: 'nested arrays, flattened', pattern: { tags: ['deep'] }, event: { tags: [['a'], [['deep']]] }, expected: true },
      { case: 'an empty event array', pattern: { tags: ['a'] }, event: { tags: [] }, expected: false },
      { case: 'an operator against any element', pattern: { tags: [{ prefix: 'ad' }] }, event: { tags: ['user', 'admin'] }, expected: true },
      { case: 'a nested pattern against an array of objects', pattern: { employees: { firstName: ['Anna'] } }, event: { employees: [{ firstName: 'John' }, { firstName: 'Anna' }] }, expected: true },
      { case: 'fields from one element only', pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event: { employees: [{ firstName: 'Anna', lastName: 'Smith' }] }, expected: true },
      { case: 'fields split across elements', pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event: { employees: [{ firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }] }, expected: false },
      { case: 'an array of scalars against a nested pattern', pattern: { employees: { firstName: ['Anna'] } }, event: { employees: ['Anna'] }, expected: false },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });

    it('matches the documented resources array against several ARNs', () => {
      // Prepare
      const filter = compilePattern({
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        ],
      });
      const event = {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      };

      // Act
      const result = filter.matches(event);

      // Assess
      expect(result).toBe(true);
    });
  });

  describe('prefix', () => {
    it.each<MatchCase>([
      { case: 'the documented time prefix', pattern: { time: [{ prefix: '2017-10-02' }] }, event: ec2Event, expected: true },
      { case: 'another prefix', pattern: { time: [{ prefix: '2018' }] }, event: ec2Event, expected: false },
      { case: 'case-sensitively', pattern: { source: [{ prefix: 'AWS.' }] }, event: ec2Event, expected: false },
      { case: 'with equals-ignore-case', pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event: { detail: { service: 'eventbridge' } }, expected: true },
      { case: 'with equals-ignore-case, other start', pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event: { detail: { service: 'sns' } }, expected: false },
      { case: 'only string values', pattern: { n: [{ prefix: '12' }] }, event: { n: 123 }, expected: false },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  describe('suffix', () => {
    it.each<MatchCase>([
      { case: 'the documented .png suffix', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'cat.png' }, expected: true },
      { case: 'another suffix', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'cat.jpg' }, expected: false },
      { case: 'case-sensitively', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'cat.PNG' }, expected: false },
      { case: 'with equals-ignore-case', pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, event: { detail: { FileName: 'CAT.PNG' } }, expected: true },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  describe('equals-ignore-case', () => {
    it.each<MatchCase>([
      { case: 'another casing', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'ALICE' }, expected: true },
      { case: 'a different string', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'alicia' }, expected: false },
      { case: 'non-ASCII letters', pattern: { city: [{ 'equals-ignore-case': 'ÉTÉ' }] }, event: { city: 'été' }, expected: true },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  describe('wildcard', () => {
    it.each<MatchCase>([
      { case: 'the documented Simple*Service', pattern: { source: [{ wildcard: 'Simple*Service' }] }, event: { source: 'SimpleQueueService' }, expected: true },
      { case: 'a star over nothing', pattern: { source: [{ wildcard: 'Simple*Service' }] }, event: { source: 'SimpleService' }, expected: true },
      { case: 'a star over dots', pattern: { key: [{ wildcard: 'orders.*' }] }, event: { key: 'orders.eu.west.created' }, expected: true },
      { case: 'a mismatched end', pattern: { key: [{ wildcard: 'orders.*.created' }] }, event: { key: 'orders.eu.deleted' }, expected: false },
      { case: 'several stars', pattern: { p: [{ wildcard: '*/lib/*.js' }] }, event: { p: 'src/lib/a/b.js' }, expected: true },
      { case: 'overlapping pieces', pattern: { p: [{ wildcard: 'ab*ba' }] }, event: { p: 'aba' }, expected: false },
      { case: 'repeated pieces', pattern: { p: [{ wildcard: '*a*a*a' }] }, event: { p: 'banana' }, expected: true },
      { case: 'no star as exact', pattern: { p: [{ wildcard: 'exact' }] }, event: { p: 'exactly' }, expected: false },
      { case: 'an escaped star literally', pattern: { p: [{ wildcard: 'a\\*b' }] }, event: { p: 'a*b' }, expected: true },
      { case: 'an escaped star not as wildcard', pattern: { p: [{ wildcard: 'a\\*b' }] }, event: { p: 'axb' }, expected: false },
      { case: 'an escaped backslash', pattern: { p: [{ wildcard: 'a\\\\*' }] }, event: { p: 'a\\anything' }, expected: true },
      { case: 'case-sensitively', pattern: { p: [{ wildcard: 'a*' }] }, event: { p: 'A' }, expected: false },
      { case: 'only string values', pattern: { p: [{ wildcard: '1*' }] }, event: { p: 12 }, expected: false },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  describe('anything-but', () => {
    it.each<MatchCase>([
      { case: 'another string', pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } }, event: ec2Event, expected: true },
      { case: 'the excluded string', pattern: { detail: { state: [{ 'anything-but': 'running' }] } }, event: ec2Event, expected: false },
      { case: 'another number', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event: ec2Event, expected: true },
      { case: 'the excluded number by value', pattern: { n: [{ 'anything-but': 300 }] }, event: JSON.parse('{"n": 300.0}'), expected: false },
      { case: 'outside a string list', pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, event: ec2Event, expected: true },
      { case: 'inside a string list', pattern: { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, event: ec2Event, expected: false },
      { case: 'inside a number list', pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 301.8] }] } }, event: ec2Event, expected: false },
      { case: 'a missing field', pattern: { detail: { nope: [{ 'anything-but': 'x' }] } }, event: ec2Event, expected: false },
      { case: 'a string against a numeric exclusion', pattern: { n: [{ 'anything-but': 123 }] }, event: { n: '123' }, expected: true },
      { case: 'a number against a string exclusion', pattern: { n: [{ 'anything-but': '123' }] }, event: { n: 123 }, expected: true },
      { case: 'null as a present value', pattern: { n: [{ 'anything-but': 'x' }] }, event: { n: null }, expected: true },
      { case: 'an array with another element', pattern: { tags: [{ 'anything-but': 'banned' }] }, event: { tags: ['banned', 'ok'] }, expected: true },
      { case: 'an array of only excluded elements', pattern: { tags: [{ 'anything-but': 'banned' }] }, event: { tags: ['banned'] }, expected: false },
      { case: 'outside a prefix', pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] }, event: { Region: 'eu-west-1' }, expected: true },
      { case: 'inside a prefix', pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] }, event: { Region: 'us-east-1' }, expected: false },
      { case: 'a number against a prefix form', pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] }, event: { Region: 7 }, expected: false },
      { case: 'outside a suffix', pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] }, event: { FileName: 'a.jpg' }, expected: true },
      { case: 'inside a suffix', pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] }, event: { FileName: 'a.png' }, expected: false },
      { case: 'another casing of an excluded value', pattern: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] }, event: { state: 'INITIALIZING' }, expected: false },
      { case: 'outside an ignore-case exclusion', pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, event: { state: 'running' }, expected: true },
      { case: 'a path outside the wildcard', pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, event: { FilePath: 'src/app/main.ts' }, expected: true },
      { case: 'a path inside the wildcard', pattern: { FilePath: [{ 'anything-but': { wildcard: ['*/bin/*', '*/lib/*'] } }] }, event: { FilePath: 'src/lib/x.ts' }, expected: false },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  describe('numeric', () => {
    it('matches the documented complex example', () => {
      // Prepare
      const filter = compilePattern({
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
        },
      });

      // Act
      const result = filter.matches(ec2Event);

      // Assess
      expect(result).toBe(true);
    });

    it.each<MatchCase>([
      { case: 'inside (0, 5]', pattern: { v: [{ numeric: ['>', 0, '<=', 5] }] }, event: { v: 5 }, expected: true },
      { case: 'on the open lower bound', pattern: { v: [{ numeric: ['>', 0, '<=', 5] }] }, event: { v: 0 }, expected: false },
      { case: 'above the upper bound', pattern: { v: [{ numeric: ['>', 0, '<=', 5] }] }, event: { v: 5.000001 }, expected: false },
      { case: 'an upper bound given first', pattern: { v: [{ numeric: ['<', 10, '>=', 1] }] }, event: { v: 1 }, expected: true },
      { case: 'below "<"', pattern: { v: [{ numeric: ['<', 10] }] }, event: { v: -3 }, expected: true },
      { case: 'on "<"', pattern: { v: [{ numeric: ['<', 10] }] }, event: { v: 10 }, expected: false },
      { case: 'on "<="', pattern: { v: [{ numeric: ['<=', 10] }] }, event: { v: 10 }, expected: true },
      { case: 'on ">="', pattern: { v: [{ numeric: ['>=', 10] }] }, event: { v: 10 }, expected: true },
      { case: '"=" by value', pattern: { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, event: ec2Event, expected: true },
      { case: '"=" another value', pattern: { v: [{ numeric: ['=', 1] }] }, event: { v: 2 }, expected: false },
      { case: 'a numeric string', pattern: { v: [{ numeric: ['>', 0] }] }, event: { v: '5' }, expected: false },
      { case: 'any element of an array', pattern: { v: [{ numeric: ['>', 0, '<', 10] }] }, event: { v: [100, 5, 200] }, expected: true },
      { case: 'a missing field', pattern: { v: [{ numeric: ['>', 0] }] }, event: {}, expected: false },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  describe('exists', () => {
    it.each<MatchCase>([
      { case: 'true on a present field', pattern: { detail: { 'c-count': [{ exists: true }] } }, event: ec2Event, expected: true },
      { case: 'true on a missing field', pattern: { detail: { 'e-count': [{ exists: true }] } }, event: ec2Event, expected: false },
      { case: 'false on a missing field', pattern: { detail: { 'e-count': [{ exists: false }] } }, event: ec2Event, expected: true },
      { case: 'false on a present field', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: ec2Event, expected: false },
      { case: 'true on a null value', pattern: { v: [{ exists: true }] }, event: { v: null }, expected: true },
      { case: 'true on an empty string', pattern: { v: [{ exists: true }] }, event: { v: '' }, expected: true },
      { case: 'true on an object value (not a leaf)', pattern: { detail: { 'c-count': [{ exists: true }] } }, event: { detail: { 'c-count': { c1: 100 } } }, expected: false },
      { case: 'false on an object value (not a leaf)', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: { detail: { 'c-count': { c1: 100 } } }, expected: true },
      { case: 'true on an array of scalars', pattern: { tags: [{ exists: true }] }, event: { tags: ['a'] }, expected: true },
      { case: 'true on an empty array', pattern: { tags: [{ exists: true }] }, event: { tags: [] }, expected: false },
      { case: 'false below a missing parent', pattern: { detail: { x: [{ exists: false }] } }, event: { other: 1 }, expected: true },
      { case: 'true below a missing parent', pattern: { detail: { x: [{ exists: true }] } }, event: { other: 1 }, expected: false },
      { case: 'false in the element lacking it', pattern: { d: { a: [{ exists: true }], b: [{ exists: false }] } }, event: { d: [{ a: 1, b: 2 }, { a: 3 }] }, expected: true },
      { case: 'false when every element has it', pattern: { d: { a: [{ exists: true }], b: [{ exists: false }] } }, event: { d: [{ a: 1, b: 2 }] }, expected: false },
      { case: 'true OR-ed with an exact value', pattern: { v: ['x', { exists: false }] }, event: { v: 'x' }, expected: true },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  describe('cidr', () => {
    it.each<MatchCase>([
      { case: 'an IPv4 address inside /24', pattern: { ip: [{ cidr: '10.0.0.0/24' }] }, event: { ip: '10.0.0.255' }, expected: true },
      { case: 'an IPv4 address outside /24', pattern: { ip: [{ cidr: '10.0.0.0/24' }] }, event: { ip: '10.0.1.0' }, expected: false },
      { case: 'a /20 boundary inside', pattern: { ip: [{ cidr: '172.16.16.0/20' }] }, event: { ip: '172.16.31.255' }, expected: true },
      { case: 'a /20 boundary outside', pattern: { ip: [{ cidr: '172.16.16.0/20' }] }, event: { ip: '172.16.32.0' }, expected: false },
      { case: 'any address with /0', pattern: { ip: [{ cidr: '0.0.0.0/0' }] }, event: { ip: '203.0.113.9' }, expected: true },
      { case: 'a single host with /32', pattern: { ip: [{ cidr: '192.0.2.1/32' }] }, event: { ip: '192.0.2.2' }, expected: false },
      { case: 'host bits in the block ignored', pattern: { ip: [{ cidr: '10.0.0.33/24' }] }, event: { ip: '10.0.0.1' }, expected: true },
      { case: 'an IPv6 address inside', pattern: { ip: [{ cidr: '2001:db8::/32' }] }, event: { ip: '2001:db8:1234::1' }, expected: true },
      { case: 'an IPv6 address outside', pattern: { ip: [{ cidr: '2001:db8::/32' }] }, event: { ip: '2001:db9::1' }, expected: false },
      { case: 'an IPv6 address with an IPv4 tail', pattern: { ip: [{ cidr: '::ffff:10.0.0.0/120' }] }, event: { ip: '::ffff:10.0.0.7' }, expected: true },
      { case: 'an IPv4 address against an IPv6 block', pattern: { ip: [{ cidr: '::/0' }] }, event: { ip: '10.0.0.1' }, expected: false },
      { case: 'a string that is not an address', pattern: { ip: [{ cidr: '10.0.0.0/8' }] }, event: { ip: '10.0.0' }, expected: false },
      { case: 'an address with a leading zero', pattern: { ip: [{ cidr: '10.0.0.0/8' }] }, event: { ip: '10.0.0.01' }, expected: false },
      { case: 'a number', pattern: { ip: [{ cidr: '10.0.0.0/8' }] }, event: { ip: 10 }, expected: false },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  describe('$or', () => {
    const orPattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };

    it.each<MatchCase>([
      { case: 'the first alternative', pattern: orPattern, event: { source: 'aws.cloudwatch', metricName: 'ReadLatency' }, expected: true },
      { case: 'the second alternative', pattern: orPattern, event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, expected: true },
      { case: 'no alternative', pattern: orPattern, event: { source: 'aws.cloudwatch', namespace: 'AWS/S3' }, expected: false },
      { case: 'an alternative but not the sibling (AND)', pattern: orPattern, event: { source: 'aws.sns', metricName: 'ReadLatency' }, expected: false },
      {
        case: 'an alternative holding an AND and a nested $or',
        pattern: {
          source: ['aws.cloudwatch'],
          $or: [
            { metricName: ['CPUUtilization'] },
            { metricType: ['MetricType'], namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
          ],
        },
        event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 },
        expected: true,
      },
      {
        case: 'parallel $or at two levels, one failing',
        pattern: {
          $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
          detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
        },
        event: { namespace: 'AWS/EC2', detail: { source: 'aws.sns' } },
        expected: false,
      },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });
  });

  describe('Conveyor messages', () => {
    it.each<MatchCase>([
      { case: 'a direct binding key', pattern: { key: ['x'] }, event: message('x', {}, null), expected: true },
      { case: 'another direct key', pattern: { key: ['x'] }, event: message('y', {}, null), expected: false },
      { case: 'a null key against a direct binding', pattern: { key: ['x'] }, event: message(null, {}, null), expected: false },
      { case: 'a keyless message with [null]', pattern: { key: [null] }, event: message(null, {}, null), expected: true },
      { case: 'a topic binding', pattern: { key: [{ wildcard: 'orders.*.created' }] }, event: message('orders.eu.created', {}, {}), expected: true },
      { case: 'a topic binding across several words', pattern: { key: [{ wildcard: 'orders.*.created' }] }, event: message('orders.eu.west.created', {}, {}), expected: true },
      { case: 'a topic binding with another verb', pattern: { key: [{ wildcard: 'orders.*.created' }] }, event: message('orders.eu.cancelled', {}, {}), expected: false },
      { case: 'a headers binding', pattern: { attributes: { region: ['eu'] } }, event: message(null, { region: 'eu', tier: 'gold' }, {}), expected: true },
      { case: 'a headers binding, other value', pattern: { attributes: { region: ['eu'] } }, event: message(null, { region: 'us' }, {}), expected: false },
      { case: 'a headers binding, missing header', pattern: { attributes: { region: ['eu'] } }, event: message(null, {}, {}), expected: false },
      { case: 'a body field', pattern: { body: { price: [{ numeric: ['>=', 10] }] } }, event: message('k', {}, { price: 12.5 }), expected: true },
      { case: 'a body that is a plain string', pattern: { body: { price: [{ numeric: ['>=', 10] }] } }, event: message('k', {}, 'price=12'), expected: false },
    ])('matches $case → $expected', ({ pattern, event, expected }) => {
      expect(matches(pattern, event)).toBe(expected);
    });

    it.each([
      { case: 'undefined', event: undefined },
      { case: 'null', event: null },
      { case: 'a string', event: '{"key":"x"}' },
      { case: 'an array', event: [{ key: 'x' }] },
    ])('rejects $case as an event without throwing', ({ event }) => {
      expect(matches({ key: ['x'] }, event)).toBe(false);
    });
  });

  describe('invalid patterns', () => {
    it.each<InvalidCase>([
      { case: 'a non-object pattern', pattern: ['x'], message: 'filter: a filter must be a JSON object, but ["x"] was provided' },
      { case: 'null', pattern: null, message: 'filter: a filter must be a JSON object, but null was provided' },
      { case: 'the empty pattern', pattern: {}, message: 'filter: a pattern object needs at least one field' },
      { case: 'an empty nested object', pattern: { body: {} }, message: 'filter.body: a pattern object needs at least one field' },
      { case: 'a leaf that is not an array', pattern: { key: 'x' }, message: 'filter.key: expected an array of match values or a nested pattern object, but "x" was provided' },
      { case: 'an empty leaf array', pattern: { key: [] }, message: 'filter.key: expected at least one match value, but [] was provided' },
      { case: 'a nested array', pattern: { key: [['x']] }, message: 'filter.key: match values cannot be nested arrays, but ["x"] was provided' },
      { case: 'an unknown operator', pattern: { key: [{ contains: 'x' }] }, message: 'filter.key: unknown operator "contains"' },
      { case: 'an operator object with two keys', pattern: { key: [{ prefix: 'a', suffix: 'b' }] }, message: 'filter.key: an operator object must hold exactly one operator' },
      { case: 'an empty operator object', pattern: { key: [{}] }, message: 'filter.key: an operator object must hold exactly one operator, but {} was provided' },
      { case: 'a non-JSON number', pattern: { n: [Number.NaN] }, message: 'filter.n: match values must be strings, numbers, booleans, null or operator objects, but NaN was provided' },
      { case: 'a prefix number', pattern: { key: [{ prefix: 1 }] }, message: 'filter.key: "prefix" expects a string or {"equals-ignore-case": string}, but 1 was provided' },
      { case: 'a prefix with an unknown modifier', pattern: { key: [{ prefix: { 'ignore-case': 'a' } }] }, message: '"prefix" expects a string or {"equals-ignore-case": string}' },
      { case: 'a suffix array', pattern: { key: [{ suffix: ['a'] }] }, message: 'filter.key: "suffix" expects a string or {"equals-ignore-case": string}, but ["a"] was provided' },
      { case: 'an equals-ignore-case number', pattern: { key: [{ 'equals-ignore-case': 5 }] }, message: 'filter.key: "equals-ignore-case" expects a string, but 5 was provided' },
      { case: 'a wildcard number', pattern: { key: [{ wildcard: 5 }] }, message: 'filter.key: "wildcard" expects a string, but 5 was provided' },
      { case: 'consecutive wildcard stars', pattern: { key: [{ wildcard: 'a**b' }] }, message: 'filter.key: "wildcard" pattern "a**b" is invalid: consecutive "*" wildcards are not allowed' },
      { case: 'an unknown wildcard escape', pattern: { key: [{ wildcard: 'a\\.b' }] }, message: 'a backslash may only escape "*" or "\\", but it is followed by "."' },
      { case: 'a trailing wildcard backslash', pattern: { key: [{ wildcard: 'a\\' }] }, message: 'but it is followed by the end of the pattern' },
      { case: 'an exists string', pattern: { key: [{ exists: 'yes' }] }, message: 'filter.key: "exists" expects true or false, but "yes" was provided' },
      { case: 'numeric with a string operand', pattern: { body: { price: [{ numeric: ['>', 'ten'] }] } }, message: 'filter.body.price: "numeric" expects numbers, but "ten" was provided' },
      { case: 'numeric with an unknown operator', pattern: { v: [{ numeric: ['!=', 1] }] }, message: 'filter.v: "numeric" operators are <, <=, =, >, >=, but "!=" was provided' },
      { case: 'numeric with three items', pattern: { v: [{ numeric: ['>', 1, '<'] }] }, message: 'filter.v: "numeric" expects [operator, number]' },
      { case: 'numeric not an array', pattern: { v: [{ numeric: 5 }] }, message: 'filter.v: "numeric" expects [operator, number]' },
      { case: 'numeric with two lower bounds', pattern: { v: [{ numeric: ['>', 1, '>=', 2] }] }, message: 'needs one lower bound (> or >=) and one upper bound (< or <=), but [">",1,">=",2] was provided' },
      { case: 'numeric "=" in a range', pattern: { v: [{ numeric: ['=', 1, '<', 2] }] }, message: 'needs one lower bound' },
      { case: 'numeric with an empty range', pattern: { v: [{ numeric: ['>', 5, '<', 5] }] }, message: 'filter.v: "numeric" range [">",5,"<",5] can never match' },
      { case: 'anything-but boolean', pattern: { v: [{ 'anything-but': true }] }, message: 'filter.v: "anything-but" expects a string, a number, a non-empty array' },
      { case: 'anything-but mixed list', pattern: { v: [{ 'anything-but': ['a', 1] }] }, message: 'filter.v: "anything-but" expects a non-empty array of only strings or only numbers, but ["a",1] was provided' },
      { case: 'anything-but empty list', pattern: { v: [{ 'anything-but': [] }] }, message: 'but [] was provided' },
      { case: 'anything-but unknown form', pattern: { v: [{ 'anything-but': { numeric: ['>', 1] } }] }, message: 'filter.v: "anything-but" supports "prefix", "suffix", "equals-ignore-case" and "wildcard", but "numeric" was provided' },
      { case: 'anything-but prefix number', pattern: { v: [{ 'anything-but': { prefix: 1 } }] }, message: 'filter.v: "anything-but prefix" expects a string, but 1 was provided' },
      { case: 'anything-but equals-ignore-case numbers', pattern: { v: [{ 'anything-but': { 'equals-ignore-case': [1] } }] }, message: '"anything-but" equals-ignore-case expects a string or a non-empty array of strings, but [1] was provided' },
      { case: 'anything-but invalid wildcard', pattern: { v: [{ 'anything-but': { wildcard: ['ok*', 'x**'] } }] }, message: '"anything-but wildcard" pattern "x**" is invalid' },
      { case: 'a cidr without prefix length', pattern: { ip: [{ cidr: '10.0.0.0' }] }, message: 'filter.ip: "cidr" expects a CIDR block such as "10.0.0.0/24", but "10.0.0.0" is invalid: it needs a prefix length' },
      { case: 'a cidr with a bad address', pattern: { ip: [{ cidr: '10.0.0.256/8' }] }, message: 'the part before "/" is not an IPv4 or IPv6 address' },
      { case: 'a cidr with a too long IPv4 prefix', pattern: { ip: [{ cidr: '10.0.0.0/33' }] }, message: 'the prefix length must be a whole number from 0 to 32' },
      { case: 'a cidr with a too long IPv6 prefix', pattern: { ip: [{ cidr: '2001:db8::/129' }] }, message: 'from 0 to 128' },
      { case: 'a cidr with two "::"', pattern: { ip: [{ cidr: '1::2::3/64' }] }, message: 'is not an IPv4 or IPv6 address' },
      { case: 'a cidr number', pattern: { ip: [{ cidr: 10 }] }, message: 'filter.ip: "cidr" expects a string, but 10 was provided' },
      { case: '$or with one alternative', pattern: { $or: [{ a: ['x'] }] }, message: 'filter.$or: "$or" expects an array of at least 2 pattern objects' },
      { case: '$or not an array', pattern: { $or: { a: ['x'] } }, message: 'filter.$or: "$or" expects an array of at least 2 pattern objects, but {"a":["x"]} was provided' },
      { case: '$or with a scalar alternative', pattern: { $or: [{ a: ['x'] }, 'b'] }, message: 'filter.$or[1]: "$or" alternatives must be pattern objects, but "b" was provided' },
      { case: 'an error inside a $or alternative', pattern: { body: { $or: [{ a: ['x'] }, { b: [{ exists: 1 }] }] } }, message: 'filter.body.$or[1].b: "exists" expects true or false, but 1 was provided' },
      { case: 'a key that needs quoting in the path', pattern: { 'a.b': { 'c d': [{ exists: 0 }] } }, message: 'filter["a.b"]["c d"]: "exists" expects true or false' },
    ])('rejects $case', ({ pattern, message: expectedMessage }) => {
      expectInvalid(pattern, expectedMessage);
    });

    it('rejects a pattern larger than the size limit', () => {
      // Prepare
      const pattern = { key: ['x'.repeat(PatternLimits.maxBytes)] };

      // Act
      const act = (): unknown => compilePattern(pattern);

      // Assess
      expect(act).toThrow(InvalidFilterError);
      expect(act).toThrow(`bytes as JSON, over Conveyor's limit of ${PatternLimits.maxBytes} bytes`);
    });

    it('measures the size limit in UTF-8 bytes, not characters', () => {
      // Prepare
      const pattern = { k: ['é'.repeat(PatternLimits.maxBytes / 2)] };

      // Act
      const act = (): unknown => compilePattern(pattern);

      // Assess
      expect(act).toThrow(InvalidFilterError);
      expect(act).toThrow(`over Conveyor's limit of ${PatternLimits.maxBytes} bytes`);
    });

    it('accepts nesting at the depth limit and rejects one level more', () => {
      // Prepare
      const nest = (levels: number): unknown => {
        let pattern: unknown = { leaf: ['x'] };
        for (let level = 1; level < levels; level += 1) {
          pattern = { n: pattern };
        }
        return pattern;
      };

      // Act
      const atLimit = compilePattern(nest(PatternLimits.maxDepth));
      const overLimit = (): unknown => compilePattern(nest(PatternLimits.maxDepth + 1));

      // Assess
      expect(atLimit.matches(nest(PatternLimits.maxDepth))).toBe(true);
      expect(overLimit).toThrow(InvalidFilterError);
      expect(overLimit).toThrow(`deeper than Conveyor's limit of ${PatternLimits.maxDepth} levels`);
    });

    it('counts $or alternatives towards the depth limit', () => {
      // Prepare
      let pattern: unknown = { leaf: ['x'] };
      for (let level = 1; level < PatternLimits.maxDepth; level += 1) {
        pattern = { $or: [pattern, { other: ['y'] }] };
      }
      const tooDeep = { $or: [pattern, { other: ['y'] }] };

      // Act
      const act = (): unknown => compilePattern(tooDeep);

      // Assess
      expect(compilePattern(pattern).matches({ leaf: 'x' })).toBe(true);
      expect(act).toThrow(`deeper than Conveyor's limit of ${PatternLimits.maxDepth} levels`);
    });

    it('accepts the leaf-value limit and rejects one value more', () => {
      // Prepare
      const values = (count: number): number[] => Array.from({ length: count }, (_, index) => index);
      const atLimit = { a: values(PatternLimits.maxLeafValues - 1), b: [0] };
      const overLimit = { a: values(PatternLimits.maxLeafValues), b: [0] };

      // Act
      const act = (): unknown => compilePattern(overLimit);

      // Assess
      expect(compilePattern(atLimit).matches({ a: PatternLimits.maxLeafValues - 2, b: 0 })).toBe(true);
      expect(act).toThrow(InvalidFilterError);
      expect(act).toThrow(`filter.b: the pattern has more than ${PatternLimits.maxLeafValues} match values`);
    });

    it('rejects a circular pattern with a clear message', () => {
      // Prepare
      const pattern: Record<string, unknown> = { key: ['x'] };
      pattern.self = pattern;

      // Act
      const act = (): unknown => compilePattern(pattern);

      // Assess
      expect(act).toThrow(InvalidFilterError);
      expect(act).toThrow('filter: a filter must be plain JSON');
    });
  });
});
