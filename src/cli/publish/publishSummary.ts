import { bytes, duration, perSecond } from '../output/units.js';
import type { PublishTotals } from './BatchPipeline.js';

/** The summary of a publish run, as `--json` prints it. */
export interface PublishSummary {
  /** Messages the API accepted (duplicates included). */
  readonly published: number;
  /** Of those, messages whose id the topic already had (not appended again). */
  readonly duplicates: number;
  readonly requests: number;
  /** Bytes of NDJSON input the published messages took. */
  readonly bytes: number;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
  /** Every input line up to this one is published. */
  readonly publishedThroughLine: number;
}

export function summaryOf(totals: PublishTotals, seconds: number): PublishSummary {
  const rate = (count: number): number => (seconds > 0 ? Math.round((count / seconds) * 10) / 10 : 0);
  return {
    published: totals.messages,
    duplicates: totals.duplicates,
    requests: totals.requests,
    bytes: totals.inputBytes,
    seconds: Math.round(seconds * 1000) / 1000,
    messagesPerSecond: rate(totals.messages),
    bytesPerSecond: rate(totals.inputBytes),
    publishedThroughLine: totals.publishedThroughLine,
  };
}

/**
 * The summary line for a person.
 *
 * @example
 * summaryLine(summary);
 * // 'published 100000 messages (8.40 MB) in 3.2 s: 31250 messages/s, 2.62 MB/s'
 */
export function summaryLine(summary: PublishSummary): string {
  const duplicates = summary.duplicates === 0 ? '' : `; ${summary.duplicates} of them were already in the topic (same id within its dedup window) and were not appended again`;
  return `published ${summary.published} messages (${bytes(summary.bytes)}) in ${duration(summary.seconds)}: ${perSecond(summary.messagesPerSecond)} messages/s, ${bytes(summary.bytesPerSecond)}/s${duplicates}`;
}
