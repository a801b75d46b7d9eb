import { bytes, duration, perSecond } from '../../../../src/cli/output/units.js';

describe('Module: units', () => {
  it.each([
    { value: 950, expected: '950 B' },
    { value: 6_523_080, expected: '6.52 MB' },
    { value: 12_500_000, expected: '12.5 MB' },
  ])('shows $value bytes as $expected', ({ value, expected }) => {
    // Act
    const shown = bytes(value);

    // Assess
    expect(shown).toBe(expected);
  });

  it.each([
    { value: 0.25, expected: '0.25' },
    { value: 12.54, expected: '12.5' },
    { value: 31_250.4, expected: '31250' },
  ])('shows a rate of $value as $expected', ({ value, expected }) => {
    // Act
    const shown = perSecond(value);

    // Assess
    expect(shown).toBe(expected);
  });

  it.each([
    { seconds: 0.85, expected: '850 ms' },
    { seconds: 12.34, expected: '12.3 s' },
    { seconds: 245, expected: '4m05s' },
    { seconds: 7800, expected: '2h10m' },
    { seconds: 273_600, expected: '3d04h' },
  ])('shows $seconds seconds as $expected', ({ seconds, expected }) => {
    // Act
    const shown = duration(seconds);

    // Assess
    expect(shown).toBe(expected);
  });
});
