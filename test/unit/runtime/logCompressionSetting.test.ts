import { InvalidRequestError } from '../../../src/domain/errors.js';
import { readLogCompression } from '../../../src/runtime/logCompressionSetting.js';

describe('Function: readLogCompression', () => {
  it('answers deflate when CONVEYOR_LOG_COMPRESSION is not set', () => {
    expect(readLogCompression({})).toBe('deflate');
  });

  it.each([{ value: 'deflate' }, { value: 'none' }])('reads $value', ({ value }) => {
    expect(readLogCompression({ CONVEYOR_LOG_COMPRESSION: value })).toBe(value);
  });

  it('refuses a codec it does not know, naming the variable, the choices and the value', () => {
    // Act
    const read = (): unknown => readLogCompression({ CONVEYOR_LOG_COMPRESSION: 'gzip' });

    // Assess
    expect(read).toThrow(InvalidRequestError);
    expect(read).toThrow(/CONVEYOR_LOG_COMPRESSION.*must be one of "deflate", "none", but "gzip" was provided/);
  });
});
