import { ConfigurationError } from '../../../src/domain/errors.js';
import { isLoopback, readConfig } from '../../../src/server/config.js';
import { CONNECTION_DEFAULTS } from '../../../src/server/connectionLimits.js';

describe('Function: readConfig', () => {
  it('defaults to 127.0.0.1:8080, ./.conveyor, no tokens, no rate limit and synchronous FULL', () => {
    // Act
    const config = readConfig({});

    // Assess
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: './.conveyor', rateLimit: undefined, connections: CONNECTION_DEFAULTS, synchronous: 'FULL' });
    expect(config.tokens.enabled).toBe(false);
  });

  it('reads comma-separated tokens, ignoring blanks, each an admin', () => {
    // Act
    const { tokens } = readConfig({ AUTH_TOKENS: ' alpha, ,beta ' });

    // Assess
    expect(tokens.authenticate('Bearer alpha').principal.isAdmin).toBe(true);
    expect(tokens.authenticate('Bearer beta').principal.name).toBe('AUTH_TOKENS[1]');
    expect(() => tokens.authenticate('Bearer ,')).toThrow(/not valid/);
  });

  it('reads CONVEYOR_RATE_LIMIT as JSON, with a burst of one second by default', () => {
    expect(readConfig({ CONVEYOR_RATE_LIMIT: '{"requestsPerSecond":2.5}' }).rateLimit).toEqual({ requestsPerSecond: 2.5, burst: 3 });
  });

  it.each([
    { case: 'text that is not JSON', value: 'fast', mentions: /CONVEYOR_RATE_LIMIT must be JSON/ },
    { case: 'a negative rate', value: '{"requestsPerSecond":-1}', mentions: /requestsPerSecond must be greater than 0/ },
    { case: 'an unknown field', value: '{"requestsPerSecond":1,"perMinute":5}', mentions: /unknown field perMinute/ },
  ])('refuses CONVEYOR_RATE_LIMIT with $case, naming the problem', ({ value, mentions }) => {
    expect(() => readConfig({ CONVEYOR_RATE_LIMIT: value })).toThrow(mentions);
  });

  it('writes an access log unless CONVEYOR_ACCESS_LOG is off', () => {
    expect([readConfig({}).accessLog, readConfig({ CONVEYOR_ACCESS_LOG: 'on' }).accessLog, readConfig({ CONVEYOR_ACCESS_LOG: 'off' }).accessLog]).toEqual([true, true, false]);
  });

  it('refuses a CONVEYOR_ACCESS_LOG other than on or off, naming the variable and the value', () => {
    expect(() => readConfig({ CONVEYOR_ACCESS_LOG: 'false' })).toThrow(/CONVEYOR_ACCESS_LOG must be "on" or "off", but "false" was provided/);
  });

  it('reads the connection limits', () => {
    // Act
    const { connections } = readConfig({ CONVEYOR_MAX_CONNECTIONS: '10', CONVEYOR_HEADERS_TIMEOUT_MS: '2000', CONVEYOR_REQUEST_TIMEOUT_MS: '5000', CONVEYOR_MAX_LONG_POLLS: '3' });

    // Assess
    expect(connections).toEqual({ maxConnections: 10, headersTimeoutMs: 2000, requestTimeoutMs: 5000, maxLongPollsPerCaller: 3 });
  });

  it('refuses a connection limit of 0, naming the variable and the range', () => {
    expect(() => readConfig({ CONVEYOR_MAX_CONNECTIONS: '0' })).toThrow(/CONVEYOR_MAX_CONNECTIONS must be between 1 and 100000, but 0 was provided/);
  });

  it('refuses a non-loopback host without tokens, saying what to set', () => {
    expect(() => readConfig({ HOST: '0.0.0.0' })).toThrow(ConfigurationError);
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
