import { progressLine } from '../../../../src/cli/publish/PublishProgress.js';
import { summaryLine, summaryOf } from '../../../../src/cli/publish/publishSummary.js';

describe('Function: progressLine', () => {
  it('shows a bar, the percentage and the time left at the rate so far when the input size is known', () => {
    // Act
    const line = progressLine({ messages: 50_000, inputBytes: 4_000_000, totalBytes: 8_000_000, elapsedSeconds: 2 });

    // Assess
    expect(line).toBe('[############------------]  50% | 50000 messages | 4.00 MB of 8.00 MB | 25000 msg/s | ETA 2.0 s');
  });

  it('shows counts, rate and time so far when the size is not known (stdin)', () => {
    // Act
    const line = progressLine({ messages: 1500, inputBytes: 120_000, totalBytes: undefined, elapsedSeconds: 0.5 });

    // Assess
    expect(line).toBe('1500 messages | 120.0 kB | 3000 msg/s | 500 ms');
  });
});

describe('Function: summaryOf and summaryLine', () => {
  it('gives messages, bytes, seconds and rates, and says how many were duplicates', () => {
    // Prepare
    const totals = { messages: 100_000, duplicates: 500, requests: 200, inputBytes: 6_523_080, requestBytes: 9_000_000, publishedThroughLine: 100_000 };

    // Act
    const summary = summaryOf(totals, 3.2);

    // Assess
    expect(summary).toEqual({ published: 100_000, duplicates: 500, requests: 200, bytes: 6_523_080, seconds: 3.2, messagesPerSecond: 31_250, bytesPerSecond: 2_038_462.5, publishedThroughLine: 100_000 });
    expect(summaryLine(summary)).toBe(
      'published 100000 messages (6.52 MB) in 3.2 s: 31250 messages/s, 2.04 MB/s; 500 of them were already in the topic (same id within its dedup window) and were not appended again',
    );
  });
});
