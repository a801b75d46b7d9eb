import { formatGrant, parseGrant, patternCovers } from '../../../src/access/grants.js';
import { Principal } from '../../../src/access/Principal.js';
import { ForbiddenError } from '../../../src/domain/errors.js';

describe('Function: parseGrant', () => {
  it.each([
    { text: 'admin', expected: { kind: 'admin' } },
    { text: 'metrics', expected: { kind: 'metrics' } },
    { text: 'publish:orders', expected: { kind: 'topic', action: 'publish', pattern: 'orders' } },
    { text: 'consume:orders-*', expected: { kind: 'topic', action: 'consume', pattern: 'orders-*' } },
    { text: 'manage:*', expected: { kind: 'topic', action: 'manage', pattern: '*' } },
  ])('reads $text', ({ text, expected }) => {
    expect(parseGrant(text)).toEqual(expected);
  });

  it.each(['delete:orders', 'publish', 'publish:', 'publish:or*ders', 'publish:*orders', 'publish:-orders', 'Admin', 'consume:orders.eu', ' admin', `publish:${'t'.repeat(49)}`])(
    'refuses %j',
    (text) => {
      expect(parseGrant(text)).toBeNull();
    },
  );

  it('writes a grant back as it is spelled', () => {
    expect(['admin', 'metrics', 'consume:orders-*'].map((text) => formatGrant(parseGrant(text)!))).toEqual(['admin', 'metrics', 'consume:orders-*']);
  });
});

describe('Function: patternCovers', () => {
  it.each([
    { pattern: '*', topic: 'anything', expected: true },
    { pattern: 'orders', topic: 'orders', expected: true },
    { pattern: 'orders', topic: 'orders-eu', expected: false },
    { pattern: 'orders-*', topic: 'orders-eu', expected: true },
    { pattern: 'orders-*', topic: 'orders-', expected: true },
    { pattern: 'orders-*', topic: 'orders', expected: false },
    { pattern: 'orders*', topic: 'orders', expected: true },
  ])('says $expected for $pattern and $topic', ({ pattern, topic, expected }) => {
    expect(patternCovers(pattern, topic)).toBe(expected);
  });
});

describe('Class: Principal', () => {
  const checkout = new Principal('checkout', [parseGrant('publish:orders')!, parseGrant('consume:orders-*')!]);

  describe('Method: require', () => {
    it('lets an action through that a grant covers', () => {
      expect(() => checkout.require('publish', 'orders')).not.toThrow();
    });

    it('throws Forbidden naming the caller and the grant it lacks', () => {
      expect(() => checkout.require('manage', 'orders')).toThrow(ForbiddenError);
      expect(() => checkout.require('manage', 'orders')).toThrow('checkout lacks the grant "manage:orders" (or "admin")');
    });

    it('never takes one action for another', () => {
      expect(() => checkout.require('consume', 'orders')).toThrow(ForbiddenError);
    });
  });

  describe('Method: requireAny', () => {
    it('lets a request through when any one of the actions is granted', () => {
      expect(() => checkout.requireAny(['manage', 'publish'], 'orders')).not.toThrow();
      expect(() => checkout.requireAny(['consume', 'manage'], 'orders-eu')).not.toThrow();
    });

    it('throws Forbidden naming every grant that would do', () => {
      expect(() => checkout.requireAny(['consume', 'manage'], 'orders')).toThrow('checkout lacks the grant "consume:orders" or "manage:orders" (or "admin")');
    });
  });

  describe('Method: canSee', () => {
    it('sees a topic any grant reaches, and no other', () => {
      expect(['orders', 'orders-eu', 'billing'].map((topic) => checkout.canSee(topic))).toEqual([true, true, false]);
    });
  });

  describe('Method: requireMetrics', () => {
    it('needs the metrics grant or admin', () => {
      expect(() => checkout.requireMetrics()).toThrow('"metrics"');
      expect(() => new Principal('scraper', [parseGrant('metrics')!]).requireMetrics()).not.toThrow();
      expect(() => Principal.admin('ops').requireMetrics()).not.toThrow();
    });
  });
});
