import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { resolveSettings, type LogLevel } from '../../infra/settings.js';
import type { LogCompression } from '../../src/adapters/aws/batchCompression.js';
import type { FanOut } from '../../src/adapters/aws/packs/packFormat.js';

describe('Function: resolveSettings', () => {
  it('defaults to prefix conveyor, retained data, IAM auth, no alarm topic, level info, deflated record batches', () => {
    expect(resolveSettings()).toEqual({
      resourcePrefix: 'conveyor',
      removalPolicy: RemovalPolicy.RETAIN,
      jwt: undefined,
      alarmEmail: undefined,
      logLevel: 'info',
      logRetention: RetentionDays.ONE_MONTH,
      throttle: { rateLimit: 100, burstLimit: 200 },
      scheduleTargetConcurrency: 5,
      logCompression: 'deflate',
      fanOut: 'pack',
    });
  });

  it('stores record batches as lists when logCompression is none, for a deploy that upgrades from a version without compression', () => {
    expect(resolveSettings({ logCompression: 'none' }).logCompression).toBe('none');
  });

  it('makes new subscriptions’ rules match one event per message when fanOut is event, for a deploy that upgrades from a version without packs', () => {
    expect(resolveSettings({ fanOut: 'event' }).fanOut).toBe('event');
  });

  it('reserves no schedule-target concurrency when scheduleTargetConcurrency is false', () => {
    expect(resolveSettings({ scheduleTargetConcurrency: false }).scheduleTargetConcurrency).toBeUndefined();
  });

  it('takes a JWT issuer with its audience, and destroys data on request', () => {
    const settings = resolveSettings({ jwtIssuer: 'https://issuer.example.com', jwtAudience: ['conveyor'], destroyDataOnDelete: true });

    expect(settings.jwt).toEqual({ issuer: 'https://issuer.example.com', audience: ['conveyor'], grantsClaim: 'scope' });
    expect(settings.removalPolicy).toBe(RemovalPolicy.DESTROY);
  });

  it('reads grants from another JWT claim when asked', () => {
    expect(resolveSettings({ jwtIssuer: 'https://issuer.example.com', jwtAudience: ['conveyor'], jwtGrantsClaim: 'cognito:groups' }).jwt?.grantsClaim).toBe('cognito:groups');
  });

  it.each([
    { case: 'a grants claim without a JWT authorizer', props: { jwtGrantsClaim: 'scope' }, message: /jwtGrantsClaim needs jwtIssuer/ },
    { case: 'a prefix of 11 characters', props: { resourcePrefix: 'conveyor-01' }, message: /1 to 10 characters long, but "conveyor-01" \(11\)/ },
    { case: 'an empty prefix', props: { resourcePrefix: '' }, message: /1 to 10 characters long, but "" \(0\)/ },
    { case: 'an uppercase prefix', props: { resourcePrefix: 'Conveyor' }, message: /lowercase letter.*"Conveyor"/ },
    { case: 'a prefix ending with a hyphen', props: { resourcePrefix: 'dev-' }, message: /not end with a hyphen, but "dev-"/ },
    { case: 'a prefix with an underscore', props: { resourcePrefix: 'dev_1' }, message: /"dev_1"/ },
    { case: 'an issuer without audience', props: { jwtIssuer: 'https://issuer.example.com' }, message: /given together, but only jwtIssuer/ },
    { case: 'an audience without issuer', props: { jwtAudience: ['conveyor'] }, message: /given together, but only jwtAudience/ },
    { case: 'an http issuer', props: { jwtIssuer: 'http://issuer.example.com', jwtAudience: ['a'] }, message: /https:\/\/ URL, but "http:\/\/issuer.example.com"/ },
    { case: 'an empty audience', props: { jwtIssuer: 'https://issuer.example.com', jwtAudience: [] }, message: /at least one audience/ },
    { case: 'an email without @', props: { alarmEmail: 'ops.example.com' }, message: /email address, but "ops.example.com"/ },
    { case: 'an unknown log level', props: { logLevel: 'verbose' as LogLevel }, message: /one of fatal, error, warn, info, debug, trace, silent, but "verbose"/ },
    { case: 'a rate limit of 0', props: { throttleRateLimit: 0 }, message: /greater than 0, but 0/ },
    { case: 'a fractional burst', props: { throttleBurstLimit: 1.5 }, message: /positive integer, but 1.5/ },
    { case: 'a schedule-target concurrency of 0', props: { scheduleTargetConcurrency: 0 }, message: /scheduleTargetConcurrency must be an integer from 1 to 100, or false for none, but 0/ },
    { case: 'a schedule-target concurrency of 101', props: { scheduleTargetConcurrency: 101 }, message: /from 1 to 100.*but 101/ },
    { case: 'an unknown log compression', props: { logCompression: 'gzip' as LogCompression }, message: /logCompression must be one of deflate, none, but "gzip"/ },
    { case: 'an unknown fan-out', props: { fanOut: 'batch' as FanOut }, message: /fanOut must be one of pack, event, but "batch"/ },
  ])('rejects $case, naming the value and what is allowed', ({ props, message }) => {
    expect(() => resolveSettings(props)).toThrow(message);
  });

  it('lists every invalid prop in one error', () => {
    expect(() => resolveSettings({ resourcePrefix: 'X', alarmEmail: 'nobody' })).toThrow(/resourcePrefix[\s\S]*alarmEmail/);
  });
});
