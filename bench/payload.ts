import { performance } from 'node:perf_hooks';
import type { Payload } from './types.js';

/** Every message is this many bytes (ASCII), as the issue asks. */
export const MESSAGE_BYTES = 1024;
const STAMP_WIDTH = 16;
const FILLER = 'x'.repeat(MESSAGE_BYTES);

/** Monotonic milliseconds of this process; publisher and consumer share the clock because they share the process. */
export function nowMs(): number {
  return performance.now();
}

/**
 * A 1 KiB ASCII payload that starts with the time it was (meant to be) sent,
 * so the consumer can measure publish→deliver latency.
 *
 * @example
 * const body = stampedPayload(nowMs());
 * sentAt(body); // ≈ the stamp
 */
export function stampedPayload(sentAtMs: number): string {
  const stamp = sentAtMs.toFixed(3).padStart(STAMP_WIDTH, '0');
  return `${stamp}|${FILLER.slice(STAMP_WIDTH + 1)}`;
}

/** The send time stamped into a payload by {@link stampedPayload}. */
export function sentAt(payload: Payload): number {
  const head = typeof payload === 'string' ? payload.slice(0, STAMP_WIDTH) : payload.toString('latin1', 0, STAMP_WIDTH);
  return Number.parseFloat(head);
}

export function stampedBatch(size: number): string[] {
  const at = nowMs();
  return Array.from({ length: size }, () => stampedPayload(at));
}
