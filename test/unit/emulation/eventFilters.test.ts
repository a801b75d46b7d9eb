import { matchesPattern, passesFilters, streamMappingFilters } from '../../../src/emulation/eventFilters.js';

const inserted = { eventName: 'INSERT', dynamodb: { NewImage: { n: { N: '3' }, p: { S: 'orders.x#0' } } } };
const head = { eventName: 'INSERT', dynamodb: { NewImage: { next: { N: '3' }, p: { S: 'orders.x#0' } } } };

describe('Module: eventFilters (Lambda event filtering, as the local runner applies it)', () => {
  describe('Function: matchesPattern', () => {
    it.each([
      { case: 'a listed value', pattern: { eventName: ['MODIFY', 'INSERT'] }, record: inserted, matches: true },
      { case: 'a value not listed', pattern: { eventName: ['REMOVE'] }, record: inserted, matches: false },
      { case: 'a nested field that exists', pattern: { dynamodb: { NewImage: { n: { N: [{ exists: true }] } } } }, record: inserted, matches: true },
      { case: 'a nested field that is absent, asked to exist', pattern: { dynamodb: { NewImage: { n: { N: [{ exists: true }] } } } }, record: head, matches: false },
      { case: 'a field that is absent, asked not to exist', pattern: { dynamodb: { NewImage: { n: [{ exists: false }] } } }, record: head, matches: true },
      { case: 'a prefix', pattern: { dynamodb: { NewImage: { p: { S: [{ prefix: 'orders.' }] } } } }, record: inserted, matches: true },
      { case: 'another prefix', pattern: { dynamodb: { NewImage: { p: { S: [{ prefix: 'billing.' }] } } } }, record: inserted, matches: false },
    ])('matches $case: $matches', ({ pattern, record, matches }) => {
      // Act & Assess
      expect(matchesPattern(pattern, record)).toBe(matches);
    });

    it('throws on an operator it does not emulate, rather than letting the record through', () => {
      // Act & Assess
      expect(() => matchesPattern({ eventName: [{ 'anything-but': ['REMOVE'] }] }, inserted)).toThrow(/not emulated/);
    });
  });

  describe('Function: passesFilters', () => {
    it('passes a record that any pattern matches, and every record when there are no patterns', () => {
      // Prepare
      const patterns = [{ eventName: ['REMOVE'] }, { eventName: ['INSERT'], dynamodb: { NewImage: { n: { N: [{ exists: true }] } } } }];

      // Act & Assess
      expect([passesFilters(patterns, inserted), passesFilters(patterns, head), passesFilters([], head)]).toEqual([true, false, true]);
    });
  });

  describe('Function: streamMappingFilters', () => {
    it('reads the patterns of the event source mapping on a DynamoDB stream, and none from a template without one', () => {
      // Prepare
      const pattern = { eventName: ['INSERT'] };
      const template = {
        Resources: {
          Queue: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: { 'Fn::GetAtt': ['DelayQueue', 'Arn'] } } },
          Stream: {
            Type: 'AWS::Lambda::EventSourceMapping',
            Properties: { EventSourceArn: { 'Fn::GetAtt': ['LogTable', 'StreamArn'] }, FilterCriteria: { Filters: [{ Pattern: JSON.stringify(pattern) }] } },
          },
        },
      };

      // Act & Assess
      expect(streamMappingFilters(template)).toEqual([pattern]);
      expect(streamMappingFilters({ Resources: {} })).toEqual([]);
    });
  });
});
