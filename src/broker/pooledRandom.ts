import { randomFillSync } from 'node:crypto';

/**
 * Uniform numbers in [0, 1) from a pool of cryptographic random bytes, refilled
 * in one call per `size` draws. A ULID takes 16 draws; drawing each from the
 * system one byte at a time was a measurable share of a publish.
 */
export function pooledRandom(size = 4096): () => number {
  const pool = new Uint8Array(size);
  let next = size;
  return () => {
    if (next === size) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 0x100;
  };
}
