import { InvalidRequestError } from '../../../src/domain/errors.js';
import { readFanOut } from '../../../src/runtime/fanOutSetting.js';

describe('Function: readFanOut', () => {
  it('answers pack when CONVEYOR_FAN_OUT is not set', () => {
    expect(readFanOut({})).toBe('pack');
  });

  it.each([{ value: 'pack' }, { value: 'event' }])('reads $value', ({ value }) => {
    expect(readFanOut({ CONVEYOR_FAN_OUT: value })).toBe(value);
  });

  it('refuses a value it does not know, naming the variable, the choices and the value', () => {
    // Act
    const read = (): unknown => readFanOut({ CONVEYOR_FAN_OUT: 'batch' });

    // Assess
    expect(read).toThrow(InvalidRequestError);
    expect(read).toThrow(/CONVEYOR_FAN_OUT.*must be one of "pack", "event", but "batch" was provided/);
  });
});
