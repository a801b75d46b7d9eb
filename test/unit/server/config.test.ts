import { InvalidRequestError } from '../../../src/domain/errors.js';
import { isLoopback, readConfig } from '../../../src/server/config.js';

describe('Function: readConfig', () => {
  it('defaults to 127.0.0.1:8080, ./.conveyor, no tokens and synchronous FULL', () => {
    expect(readConfig({})).toEqual({ host: '127.0.0.1', port: 8080, dataDir: './.conveyor', authTokens: [], synchronous: 'FULL' });
  });

  it('reads comma-separated tokens, ignoring blanks', () => {
    expect(readConfig({ AUTH_TOKENS: ' alpha, ,beta ' }).authTokens).toEqual(['alpha', 'beta']);
  });

  it('refuses a non-loopback host without tokens, saying what to set', () => {
    expect(() => readConfig({ HOST: '0.0.0.0' })).toThrow(InvalidRequestError);
    expect(() => readConfig({ HOST: '0.0.0.0' })).toThrow(/AUTH_TOKENS/);
  });

  it('accepts a non-loopback host when tokens are set', () => {
    expect(readConfig({ HOST: '0.0.0.0', AUTH_TOKENS: 'secret' }).host).toBe('0.0.0.0');
  });

  it.each([
    { case: 'a word', value: 'eighty' },
    { case: 'a port above 65535', value: '70000' },
  ])('rejects PORT as $case', ({ value }) => {
    expect(() => readConfig({ PORT: value })).toThrow(/PORT/);
  });
});

describe('Function: isLoopback', () => {
  it.each([
    { host: '127.0.0.1', expected: true },
    { host: '127.1.2.3', expected: true },
    { host: 'localhost', expected: true },
    { host: '::1', expected: true },
    { host: '0.0.0.0', expected: false },
    { host: '10.0.0.5', expected: false },
    { host: 'example.com', expected: false },
  ])('says $expected for $host', ({ host, expected }) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
