import { Progress } from '../../../src/cli/consume/Progress.js';

/** A stream that keeps what is written to it. */
function streamOf(isTTY: boolean): { isTTY: boolean; written: string[]; write: (text: string) => boolean } {
  const written: string[] = [];
  return { isTTY, written, write: (text) => written.push(text) > 0 };
}

describe('Class: Progress', () => {
  describe('Method: show', () => {
    it.each([
      { case: 'rewrites one line in place on a terminal', isTTY: true, expected: ['\r\x1b[2Korders/billing: 9 processed, 1 failed, 4.5/s, backlog 17'] },
      { case: 'writes one line per call elsewhere', isTTY: false, expected: ['orders/billing: 9 processed, 1 failed, 4.5/s, backlog 17\n'] },
    ])('$case', ({ isTTY, expected }) => {
      // Prepare
      let now = 1000;
      const stream = streamOf(isTTY);
      const progress = new Progress(stream, 'orders/billing', () => now);
      progress.count(9, 1);
      now += 2000;

      // Act
      progress.show(17);

      // Assess
      expect(stream.written).toEqual(expected);
    });

    it('counts the rate since the previous line, and shows an unknown backlog as ?', () => {
      // Prepare
      let now = 0;
      const stream = streamOf(false);
      const progress = new Progress(stream, 'orders/billing', () => now);
      progress.count(10, 0);
      now = 1000;
      progress.show(5);
      progress.count(2, 3);
      now = 3000;

      // Act
      progress.show(null);

      // Assess
      expect(stream.written.at(-1)).toBe('orders/billing: 12 processed, 3 failed, 1.0/s, backlog ?\n');
      expect(progress.totals).toEqual({ processed: 12, failed: 3 });
    });
  });

  describe('Method: note', () => {
    it('ends a line drawn in place before it writes its own', () => {
      // Prepare
      const stream = streamOf(true);
      const progress = new Progress(stream, 'orders/billing', () => 0);
      progress.show(0);

      // Act
      progress.note('pull failed, retrying in 1 s');

      // Assess
      expect(stream.written.slice(1)).toEqual(['\n', 'pull failed, retrying in 1 s\n']);
    });
  });
});
