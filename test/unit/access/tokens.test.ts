import { DEFAULT_GRANTS_CLAIM, principalFromJwt } from '../../../src/access/jwtPrincipal.js';
import { parseTokenFile } from '../../../src/access/tokenFile.js';
import { TokenRegistry } from '../../../src/access/TokenRegistry.js';
import { ConfigurationError, UnauthorizedError } from '../../../src/domain/errors.js';

const file = (tokens: unknown[]): string => JSON.stringify({ tokens });

describe('Function: parseTokenFile', () => {
  it('reads named tokens with grants and rate limits, a burst of one second by default', () => {
    // Act
    const entries = parseTokenFile(
      file([
        { name: 'checkout', token: 'checkout-secret-001', grants: ['publish:orders', 'consume:orders-*'], rateLimit: { requestsPerSecond: 50 } },
        { name: 'ops', token: 'operations-secret-1', grants: ['admin'] },
      ]),
      'tokens.json',
    );

    // Assess
    expect(entries.map((entry) => [entry.name, entry.grants.length, entry.rateLimit])).toEqual([
      ['checkout', 2, { requestsPerSecond: 50, burst: 50 }],
      ['ops', 1, undefined],
    ]);
  });

  it.each([
    { case: 'a burstBytes without bytesPerSecond', entry: { name: 'x', token: 'x'.repeat(16), grants: ['admin'], rateLimit: { requestsPerSecond: 1, burstBytes: 10 } }, mentions: 'burstBytes needs bytesPerSecond' },
    { case: 'a token with a space', entry: { name: 'x', token: 'with space 0000000', grants: ['admin'] }, mentions: 'printable ASCII' },
    { case: 'no grants', entry: { name: 'x', token: 'x'.repeat(16), grants: [] }, mentions: 'at least one grant' },
    { case: 'a name with a slash', entry: { name: 'a/b', token: 'x'.repeat(16), grants: ['admin'] }, mentions: 'name must be' },
  ])('refuses $case, naming the file and the entry', ({ entry, mentions }) => {
    expect(() => parseTokenFile(file([entry]), 'tokens.json')).toThrow(ConfigurationError);
    expect(() => parseTokenFile(file([entry]), 'tokens.json')).toThrow(`AUTH_TOKENS_FILE tokens.json: tokens[0]`);
    expect(() => parseTokenFile(file([entry]), 'tokens.json')).toThrow(mentions);
  });
});

describe('Class: TokenRegistry', () => {
  const registry = TokenRegistry.from({
    plain: ['plain-admin-secret'],
    entries: parseTokenFile(file([{ name: 'reader', token: 'reader-secret-0001', grants: ['consume:*'], rateLimit: { requestsPerSecond: 2 } }]), 't.json'),
  });

  describe('Method: authenticate', () => {
    it('names the caller of a file token, with its grants and rate limit', () => {
      // Act
      const { principal, rateLimit } = registry.authenticate('Bearer reader-secret-0001');

      // Assess
      expect(principal.name).toBe('reader');
      expect(principal.can('consume', 'orders')).toBe(true);
      expect(principal.isAdmin).toBe(false);
      expect(rateLimit).toEqual({ requestsPerSecond: 2, burst: 2 });
    });

    it('makes an AUTH_TOKENS token an admin', () => {
      expect(registry.authenticate('bearer plain-admin-secret').principal.isAdmin).toBe(true);
    });

    it.each([
      { case: 'no header', header: undefined, message: 'requires Authorization' },
      { case: 'the Basic scheme', header: 'Basic cmVhZGVy', message: 'requires Authorization' },
      { case: 'an unknown token', header: 'Bearer reader-secret-0002', message: 'not valid' },
      { case: 'a prefix of a token', header: 'Bearer reader-secret', message: 'not valid' },
    ])('refuses $case with Unauthorized', ({ header, message }) => {
      expect(() => registry.authenticate(header)).toThrow(UnauthorizedError);
      expect(() => registry.authenticate(header)).toThrow(message);
    });
  });

  describe('Method: from', () => {
    it('refuses the same token in AUTH_TOKENS and the file', () => {
      const entries = parseTokenFile(file([{ name: 'twin', token: 'shared-secret-0001', grants: ['admin'] }]), 't.json');

      expect(() => TokenRegistry.from({ plain: ['shared-secret-0001'], entries })).toThrow(/AUTH_TOKENS_FILE entry "twin" has the same token as AUTH_TOKENS\[0\]/);
    });
  });
});

describe('Function: principalFromJwt', () => {
  it('reads grants from OAuth scopes, dropping a resource-server prefix and ignoring other scopes', () => {
    // Act
    const principal = principalFromJwt({ sub: 'svc-checkout', scope: 'openid conveyor/publish:orders conveyor/consume:orders-*' }, undefined);

    // Assess
    expect(principal.name).toBe('jwt "svc-checkout"');
    expect(principal.can('publish', 'orders')).toBe(true);
    expect(principal.can('consume', 'orders-eu')).toBe(true);
    expect(principal.can('manage', 'orders')).toBe(false);
  });

  it('reads a configured claim instead, as an array or as API Gateway flattens one', () => {
    expect(principalFromJwt({ sub: 'a', 'cognito:groups': '[admin other]' }, undefined, 'cognito:groups').isAdmin).toBe(true);
    expect(principalFromJwt({ sub: 'a', grants: ['metrics'] }, undefined, 'grants').grants).toEqual([{ kind: 'metrics' }]);
  });

  it('gives a token without grants nothing, so it is refused everywhere but /healthz', () => {
    expect(principalFromJwt({ sub: 'nobody', scope: 'openid email' }, ['openid'], DEFAULT_GRANTS_CLAIM).grants).toEqual([]);
  });
});
