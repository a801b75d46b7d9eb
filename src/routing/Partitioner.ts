import { murmur2 } from './murmur2.js';

const encoder = new TextEncoder();

/**
 * Chooses a partition the way Kafka's default partitioner does for keyed records:
 * `(murmur2(utf8(key)) & 0x7fffffff) % partitions`. Keyless messages go round-robin,
 * from a per-process counter that starts at a random place, so several processes
 * (Lambda containers) do not all start on partition 0.
 *
 * @example
 * const partitioner = new Partitioner();
 * partitioner.partitionFor('order-42', 4); // always the same partition for this key
 */
export class Partitioner {
  private counter: number;

  public constructor(seed: number = Math.floor(Math.random() * 0x7fffffff)) {
    this.counter = seed;
  }

  public partitionFor(key: string | null | undefined, partitions: number): number {
    if (key === null || key === undefined) {
      this.counter = (this.counter + 1) & 0x7fffffff;
      return this.counter % partitions;
    }
    return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions;
  }
}
