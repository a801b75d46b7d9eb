/**
 * Why messages failed, for whoever invoked the handler in this process.
 * `batchItemFailures` carries only ids; `conveyor consume` runs the handler in
 * its own process and reads the reason here, to nack each message with the
 * message of the error it threw. The registry lives on `globalThis` under a
 * `Symbol.for` key, so the handler's copy of this package and the runner's
 * find the same one.
 *
 * On Lambda nobody reads it: the invocation clears its own records' entries
 * first, and the registry keeps at most MAX_ENTRIES, dropping the oldest.
 */
const REGISTRY_KEY = Symbol.for('conveyor.consume.failures');
const MAX_ENTRIES = 10_000;

type Registry = Map<string, string>;

function registry(): Registry {
  const global = globalThis as { [REGISTRY_KEY]?: Registry };
  global[REGISTRY_KEY] ??= new Map();
  return global[REGISTRY_KEY];
}

/**
 * Records why the SQS message `messageId` (a record's `messageId`, as listed in `batchItemFailures`) failed.
 *
 * @example
 * recordFailure(record.messageId, error instanceof Error ? error.message : String(error));
 */
export function recordFailure(messageId: string, reason: string): void {
  const failures = registry();
  failures.delete(messageId);
  failures.set(messageId, reason);
  for (const oldest of failures.keys()) {
    if (failures.size <= MAX_ENTRIES) break;
    failures.delete(oldest);
  }
}

/** Forgets what earlier invocations recorded for these messages (a redelivery starts afresh). */
export function forgetFailures(messageIds: Iterable<string>): void {
  const failures = registry();
  for (const messageId of messageIds) failures.delete(messageId);
}

/**
 * The reason recorded for `messageId`, removed from the registry.
 *
 * @example
 * const reason = takeFailure(failure.itemIdentifier) ?? 'reported in batchItemFailures';
 */
export function takeFailure(messageId: string): string | undefined {
  const failures = registry();
  const reason = failures.get(messageId);
  failures.delete(messageId);
  return reason;
}
