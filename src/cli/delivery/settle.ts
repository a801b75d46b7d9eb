import { AckLimits } from '../../domain/constants.js';
import type { AckResult } from '../../client/index.js';
import { ExitCode } from '../exitCodes.js';
import type { Output } from '../output/Output.js';
import { formatTable } from '../output/table.js';

/** What each failure code means for the message (docs/openapi.yaml, ackMessages). */
const REASONS: Readonly<Record<AckResult['failed'][number]['code'], string>> = {
  LeaseExpired: 'the lease had ended; the message waits for another delivery',
  InvalidAckId: 'malformed, of another subscription, or its message is gone (acked, or its dead letter deleted)',
};

/** The outcome of acking or nacking a list of ack ids, over as many requests as it took. */
export interface Settled {
  readonly acked: number;
  readonly notAcked: number;
  readonly failed: AckResult['failed'];
}

/**
 * Sends ack ids in requests of at most 1000 (the API's limit) and adds up the
 * answers.
 *
 * @example
 * const settled = await settleAll(ids, (chunk) => client.ack('orders', 'billing', chunk));
 */
export async function settleAll(ackIds: readonly string[], settle: (chunk: string[]) => Promise<AckResult>): Promise<Settled> {
  let acked = 0;
  const failed: AckResult['failed'][number][] = [];
  for (let start = 0; start < ackIds.length; start += AckLimits.ackIds.max) {
    const result = await settle(ackIds.slice(start, start + AckLimits.ackIds.max));
    acked += result.acked;
    failed.push(...result.failed);
  }
  return { acked, notAcked: failed.length, failed };
}

/**
 * Shows what settling did, naming every ack id that did nothing and why, and
 * returns the exit code: ExitCode.Partial when any did nothing.
 *
 * @example
 * return report(output, 'acked', settled, ids.length);
 */
export function reportSettled(output: Output, verb: 'acked' | 'nacked', settled: Settled, sent: number): ExitCode {
  if (output.json) {
    output.record({ [verb]: settled.acked, notAcked: settled.notAcked, failed: settled.failed });
  } else {
    output.say(`${verb} ${settled.acked} of ${sent}${settled.notAcked === 0 ? '' : `; ${settled.notAcked} did nothing:`}`);
    if (settled.notAcked > 0) {
      output.write(formatTable(settled.failed, [
        { heading: 'ACK ID', value: (failure) => failure.ackId },
        { heading: 'REASON', value: (failure) => `${failure.code}: ${REASONS[failure.code]}` },
      ]));
    }
  }
  return settled.notAcked === 0 ? ExitCode.Ok : ExitCode.Partial;
}
