import { ResponseLimits } from '../../../src/domain/constants.js';
import { InvalidRequestError } from '../../../src/domain/errors.js';
import { LambdaResponseBytes, readResponseBytes } from '../../../src/runtime/responseBytesSetting.js';
import { readConfig } from '../../../src/server/config.js';

describe('Function: readResponseBytes', () => {
  it('answers the default budget, 4 MiB, when CONVEYOR_RESPONSE_BYTES is not set', () => {
    expect(readResponseBytes({})).toBe(4 * 1024 * 1024);
  });

  it.each([
    { case: 'the smallest budget', value: String(ResponseLimits.bytes.min), bytes: 512 * 1024 },
    { case: '1 MiB', value: '1048576', bytes: 1024 * 1024 },
    { case: 'the largest budget', value: String(ResponseLimits.bytes.max), bytes: 64 * 1024 * 1024 },
  ])('reads $case', ({ value, bytes }) => {
    expect(readResponseBytes({ CONVEYOR_RESPONSE_BYTES: value })).toBe(bytes);
  });

  it.each([
    { case: 'a budget below 512 KiB', value: '524287', shown: '524287' },
    { case: 'a budget above 64 MiB', value: '67108865', shown: '67108865' },
    { case: 'a size with a unit', value: '8MiB', shown: '"8MiB"' },
    { case: 'a negative number', value: '-1', shown: '"-1"' },
    { case: 'a fraction', value: '1048576.5', shown: '"1048576.5"' },
    { case: 'an empty value', value: '', shown: '""' },
  ])('refuses $case, naming the variable, the range and the value', ({ value, shown }) => {
    // Act
    const read = (): number => readResponseBytes({ CONVEYOR_RESPONSE_BYTES: value });

    // Assess
    expect(read).toThrow(InvalidRequestError);
    expect(read).toThrow(/CONVEYOR_RESPONSE_BYTES must be (a whole number of bytes )?between 524288 and 67108864, but .* was provided/);
    expect(read).toThrow(`but ${shown} was provided`);
  });

  it('holds the API function on Lambda to 2 MiB unless set, and at most 2.5 MiB', () => {
    expect(readResponseBytes({}, LambdaResponseBytes)).toBe(2 * 1024 * 1024);
    expect(readResponseBytes({ CONVEYOR_RESPONSE_BYTES: '2621440' }, LambdaResponseBytes)).toBe(2621440);
    expect(() => readResponseBytes({ CONVEYOR_RESPONSE_BYTES: '8388608' }, LambdaResponseBytes)).toThrow(/between 524288 and 2621440, but 8388608 was provided/);
  });
});

describe('Function: readConfig (CONVEYOR_RESPONSE_BYTES)', () => {
  it('passes the budget to the server, 4 MiB by default', () => {
    expect(readConfig({}).responseBytes).toBe(ResponseLimits.bytes.default);
    expect(readConfig({ CONVEYOR_RESPONSE_BYTES: '1048576' }).responseBytes).toBe(1048576);
  });

  it('refuses to start on a budget outside the range, naming it', () => {
    expect(() => readConfig({ CONVEYOR_RESPONSE_BYTES: '1024' })).toThrow(/CONVEYOR_RESPONSE_BYTES must be between 524288 and 67108864, but 1024 was provided/);
  });
});
