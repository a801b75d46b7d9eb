import { murmur2 } from '../../../src/routing/murmur2.js';
import { Partitioner } from '../../../src/routing/Partitioner.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('Function: murmur2', () => {
  // Apache Kafka's own vectors (UtilsTest.testMurmur2): a key must hash as the Java client hashes it.
  it.each([
    { case: '"21"', key: '21', hash: -973932308 },
    { case: '"foobar"', key: 'foobar', hash: -790332482 },
    { case: '"a-little-bit-long-string"', key: 'a-little-bit-long-string', hash: -985981536 },
    { case: '"a-little-bit-longer-string"', key: 'a-little-bit-longer-string', hash: -1486304829 },
    { case: 'a 48-byte key', key: 'lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', hash: -58897971 },
    { case: '"abc"', key: 'abc', hash: 479470107 },
  ])('hashes $case as Kafka does', ({ key, hash }) => {
    expect(murmur2(bytes(key))).toBe(hash);
  });
});

describe('Class: Partitioner', () => {
  describe('Method: partitionFor', () => {
    it('maps a key to (murmur2 & 0x7fffffff) % partitions, like Kafka', () => {
      const partitioner = new Partitioner(0);

      expect(partitioner.partitionFor('21', 4)).toBe((-973932308 & 0x7fffffff) % 4);
      expect(partitioner.partitionFor('foobar', 7)).toBe((-790332482 & 0x7fffffff) % 7);
    });

    it('maps the same key to the same partition every time', () => {
      const partitioner = new Partitioner(0);
      const first = partitioner.partitionFor('order-42', 16);

      expect(Array.from({ length: 20 }, () => partitioner.partitionFor('order-42', 16))).toEqual(Array(20).fill(first));
    });

    it('spreads keyless messages round-robin over every partition', () => {
      // Prepare
      const partitioner = new Partitioner(0);

      // Act
      const chosen = Array.from({ length: 8 }, () => partitioner.partitionFor(null, 4));

      // Assess
      expect(chosen).toEqual([1, 2, 3, 0, 1, 2, 3, 0]);
    });
  });
});
