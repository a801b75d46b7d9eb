import { pooledRandom } from '../../../src/broker/pooledRandom.js';

describe('Function: pooledRandom', () => {
  it('draws numbers in [0, 1), refilling the pool when it runs out', () => {
    // Prepare
    const random = pooledRandom(8);

    // Act
    const draws = Array.from({ length: 100 }, () => random());

    // Assess
    expect(draws.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(20);
  });

  it('covers all 32 ULID characters evenly enough', () => {
    // Prepare
    const random = pooledRandom();
    const counts = new Array<number>(32).fill(0);

    // Act
    for (let i = 0; i < 32_000; i += 1) counts[Math.floor(random() * 32)]! += 1;

    // Assess: 1000 expected each; 200 is over six standard deviations
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });
});
