import type { Message, ReadQuery, ReadResponse } from '../../../../src/client/index.js';
import { LogTail, type TailOptions } from '../../../../src/cli/tail/LogTail.js';

/** A fake log of `sizes[p]` messages per partition, read in pages of at most `page`, recording every query. */
function fakeLog(sizes: number[], page = 1000): { read: (partition: number, query: ReadQuery) => Promise<ReadResponse>; queries: [number, ReadQuery][]; append: (partition: number) => void } {
  const queries: [number, ReadQuery][] = [];
  const lengths = [...sizes];
  const message = (partition: number, offset: number): Message => ({ id: `${partition}-${offset}`, topic: 't', partition, offset, key: null, body: offset, attributes: {}, publishedAt: new Date(offset * 1000).toISOString() });
  return {
    queries,
    append: (partition) => (lengths[partition] = lengths[partition]! + 1),
    read: async (partition, query) => {
      queries.push([partition, query]);
      const from = query.fromOffset ?? (query.fromTime === undefined ? 0 : Math.ceil(Date.parse(query.fromTime) / 1000));
      const to = Math.min(lengths[partition]!, from + Math.min(page, query.limit ?? 100));
      const messages = Array.from({ length: Math.max(to - from, 0) }, (_, index) => message(partition, from + index));
      return { messages, nextOffset: Math.max(to, from) };
    },
  };
}

async function collect(tail: LogTail, signal?: AbortSignal): Promise<string[]> {
  const seen: string[] = [];
  await tail.run((message) => seen.push(message.id), signal);
  return seen;
}

const OPTIONS: TailOptions = { partitions: [0, 1], start: { from: 'beginning' }, follow: false, pollMs: 10 };

describe('Class: LogTail', () => {
  describe('Method: run', () => {
    it('reads every partition page by page to its end, each in offset order', async () => {
      // Prepare
      const log = fakeLog([3, 2], 2);

      // Act
      const seen = await collect(new LogTail(log.read, OPTIONS));

      // Assess
      expect(seen.filter((id) => id.startsWith('0-'))).toEqual(['0-0', '0-1', '0-2']);
      expect(seen.filter((id) => id.startsWith('1-'))).toEqual(['1-0', '1-1']);
      expect(log.queries[0]).toEqual([0, { limit: 1000 }]);
    });

    it.each([
      { case: 'an offset in each partition', start: { from: 'offset', offset: 2 } as const, expected: ['0-2'] },
      { case: 'a time, then the offsets it led to', start: { from: 'time', time: new Date(1000).toISOString() } as const, expected: ['0-1', '0-2', '1-1'] },
      { case: 'the end: nothing that was there', start: { from: 'end', nextOffsets: new Map([[0, 3], [1, 2]]) } as const, expected: [] },
    ])('starts at $case', async ({ start, expected }) => {
      // Prepare
      const log = fakeLog([3, 2]);

      // Act
      const seen = await collect(new LogTail(log.read, { ...OPTIONS, start }));

      // Assess
      expect(seen.sort()).toEqual(expected);
    });

    it('stops after max messages, asking for no more than it needs', async () => {
      // Prepare
      const log = fakeLog([3, 2]);

      // Act
      const seen = await collect(new LogTail(log.read, { ...OPTIONS, max: 2 }));

      // Assess
      expect(seen).toEqual(['0-0', '0-1']);
      expect(log.queries).toEqual([[0, { limit: 2 }]]);
    });

    it('keeps polling for what is appended when following, until its signal aborts', async () => {
      // Prepare
      const log = fakeLog([1, 0]);
      const stop = new AbortController();
      const seen: string[] = [];
      const tail = new LogTail(log.read, { ...OPTIONS, follow: true, start: { from: 'end', nextOffsets: new Map([[0, 1], [1, 0]]) } });

      // Act
      const running = tail.run((message) => {
        seen.push(message.id);
        if (seen.length === 2) stop.abort();
      }, stop.signal);
      await new Promise((resolve) => setTimeout(resolve, 30));
      log.append(1);
      await new Promise((resolve) => setTimeout(resolve, 30));
      log.append(0);
      const count = await running;

      // Assess
      expect(seen).toEqual(['1-0', '0-1']);
      expect(count).toBe(2);
    });
  });
});
