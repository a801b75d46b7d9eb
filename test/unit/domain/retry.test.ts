import { retryDelayMs } from '../../../src/domain/retry.js';

describe('Function: retryDelayMs', () => {
  it.each([
    { case: 'first failure waits the minimum', attempts: 1, expected: 2000 },
    { case: 'second failure doubles it', attempts: 2, expected: 4000 },
    { case: 'third failure doubles again', attempts: 3, expected: 8000 },
    { case: 'later failures stop at the maximum', attempts: 4, expected: 10_000 },
    { case: 'huge attempt counts stay at the maximum', attempts: 1000, expected: 10_000 },
  ])('$case', ({ attempts, expected }) => {
    expect(retryDelayMs({ minSeconds: 2, maxSeconds: 10 }, attempts)).toBe(expected);
  });

  it('retries at once when the backoff is zero', () => {
    expect(retryDelayMs({ minSeconds: 0, maxSeconds: 0 }, 3)).toBe(0);
  });
});
