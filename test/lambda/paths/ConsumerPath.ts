import { fileURLToPath } from 'node:url';
import type { Conveyor } from '../../contract/harness/Conveyor.js';

/** The handler module both paths run, unchanged. */
export const BILLING_HANDLER = fileURLToPath(new URL('../fixtures/billingHandler.mjs', import.meta.url));
/** The DynamoDB table (on the emulator) the handler keeps its idempotency records in. */
export const IDEMPOTENCY_TABLE = 'billing-idempotency';

/** How a consumer ended. */
export interface ConsumerExit {
  /** The `conveyor consume` process's exit code; null where nothing exits (a mapping is detached). */
  readonly exitCode: number | string | null;
  /** What it wrote to stderr (progress and notes); empty where nothing is written. */
  readonly stderr: string;
}

/** What a path's dead letter of a message that failed every delivery shows. */
export interface DeadLetterView {
  readonly deliveryAttempt: number;
  readonly lastError: string | null;
}

/**
 * One way of running the billing handler module against Conveyor: the spec is
 * written once against this interface (oneHandler.test.ts).
 */
export interface ConsumerPath {
  readonly name: string;
  /** Conveyor's HTTP API on this path. */
  readonly api: Conveyor;
  /** The dead letter of a message that failed `maxDeliveries` times with `thrown` as its last error. */
  deadLetterOf(maxDeliveries: number, thrown: string): DeadLetterView;
  /** Starts the handler module on the subscription; it writes its ledger to `ledger`. */
  consume(topic: string, subscription: string, ledger: string): Promise<void>;
  /** Stops consuming as its user would (Ctrl-C; detaching the mapping). */
  stopConsuming(): Promise<ConsumerExit>;
  stop(): Promise<void>;
}

export interface ConsumerPathFactory {
  readonly name: string;
  start(): Promise<ConsumerPath>;
}
