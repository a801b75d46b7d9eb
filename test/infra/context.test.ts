import { propsFromContext } from '../../infra/context.js';

/** A context reader over fixed values, as `app.node.tryGetContext` would answer them. */
const contextOf = (values: Record<string, unknown>) => (key: string): unknown => values[key];

describe('Function: propsFromContext', () => {
  it('leaves out every option that is not given, so each prop keeps its default', () => {
    // Act
    const props = propsFromContext(contextOf({}));

    // Assess
    expect(props).toEqual({});
  });

  it.each([
    { case: '"true"', value: 'true', expected: true },
    { case: '"TRUE"', value: 'TRUE', expected: true },
    { case: '"True"', value: 'True', expected: true },
    { case: '"false"', value: 'false', expected: false },
    { case: '"FALSE"', value: 'FALSE', expected: false },
    { case: 'a boolean from cdk.json', value: true, expected: true },
    { case: '" false " with spaces', value: ' false ', expected: false },
  ])('reads destroyDataOnDelete $case as $expected', ({ value, expected }) => {
    // Act
    const props = propsFromContext(contextOf({ destroyDataOnDelete: value }));

    // Assess
    expect(props.destroyDataOnDelete).toBe(expected);
  });

  it.each([
    { case: '"yes"', value: 'yes' },
    { case: '"1"', value: '1' },
    { case: '"on"', value: 'on' },
    { case: '"ture"', value: 'ture' },
  ])('stops the synthesis on destroyDataOnDelete $case, naming the option and the value', ({ value }) => {
    // Act
    const reading = (): unknown => propsFromContext(contextOf({ destroyDataOnDelete: value }));

    // Assess
    expect(reading).toThrow(`context destroyDataOnDelete must be true or false, but "${value}" was provided`);
  });

  it('reads numbers, the schedule target\u2019s "none", lists and text', () => {
    // Act
    const props = propsFromContext(
      contextOf({
        resourcePrefix: 'dev',
        throttleRateLimit: '50',
        throttleBurstLimit: '80',
        scheduleTargetConcurrency: 'NONE',
        jwtIssuer: 'https://issuer.example.com',
        jwtAudience: 'a, b',
        alarmEmail: 'ops@example.com',
        logLevel: 'debug',
        logCompression: 'none',
        fanOut: 'event',
      }),
    );

    // Assess
    expect(props).toEqual({
      resourcePrefix: 'dev',
      throttleRateLimit: 50,
      throttleBurstLimit: 80,
      scheduleTargetConcurrency: false,
      jwtIssuer: 'https://issuer.example.com',
      jwtAudience: ['a', 'b'],
      alarmEmail: 'ops@example.com',
      logLevel: 'debug',
      logCompression: 'none',
      fanOut: 'event',
    });
  });

  it.each([
    { case: 'throttleRateLimit "fast"', key: 'throttleRateLimit', value: 'fast' },
    { case: 'scheduleTargetConcurrency "some"', key: 'scheduleTargetConcurrency', value: 'some' },
  ])('stops the synthesis on $case, naming the option and the value', ({ key, value }) => {
    // Act
    const reading = (): unknown => propsFromContext(contextOf({ [key]: value }));

    // Assess
    expect(reading).toThrow(`context ${key} must be a number, but "${value}" was provided`);
  });
});
