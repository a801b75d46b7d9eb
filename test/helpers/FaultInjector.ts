import type { MiddlewareStack } from '@smithy/types';
import type { ClientPlugin } from '../../src/adapters/aws/clients.js';

/** What a fault does to a request it hits. */
export type FaultKind =
  /** Refused before sending with a throttling error (HTTP 400 ThrottlingException). */
  | 'throttle'
  /** Refused before sending with a 500. */
  | 'server-error'
  /** Sent and carried out, but its answer is lost: the caller sees a 500 (as after a timeout), and the SDK retries. */
  | 'lost-response'
  /** Refused before sending with the AWS error of the rule's `error` (a quota error, a validation error…). */
  | 'error'
  /** For batch calls: the chosen entries are not sent and come back as failed entries; the rest succeed. */
  | 'partial'
  /** For TransactWriteItems: cancelled as a whole with a TransactionConflict reason, nothing written. */
  | 'transaction-conflict';

export interface FaultRule {
  /** `Service.Operation` as the AWS API names it, e.g. `EventBridge.PutEvents` or `DynamoDB.TransactWriteItems`, or `Service.*`. */
  readonly target: string;
  readonly kind: FaultKind;
  /** Hit every n-th matching request (1 = every one). @default 1 */
  readonly every?: number;
  /** Stop after this many hits. @default Infinity */
  readonly times?: number;
  /**
   * For `partial`: fail the entries at these positions of the batch. A batch
   * without any of them fails as a whole (a 500 the SDK's retries do not see,
   * as when they are spent). @default [0]
   */
  readonly entries?: readonly number[];
  /** For `partial`, instead of `entries`: fail the entries whose JSON contains this text (one message's id), wherever they sit. */
  readonly entriesContaining?: string;
  /** Match only requests whose input, as JSON, contains this text (a queue URL, a partition key). @default every request */
  readonly inputContains?: string;
  /**
   * For `error`: the AWS error name and HTTP status to answer with. @default { name: 'ValidationException', status: 400 }
   * For `partial`: the failed entries' code, a refusal no retry lifts (SQS: SenderFault). @default a fault on the service's side
   */
  readonly error?: { readonly name: string; readonly status: number };
}

interface RuleState {
  readonly rule: FaultRule;
  seen: number;
  hits: number;
}

type AnyInput = Record<string, unknown>;
type AnyOutput = { output: Record<string, unknown> };
const TRANSPORT: ReadonlySet<FaultKind> = new Set(['throttle', 'server-error', 'lost-response', 'error']);
const BATCH: ReadonlySet<FaultKind> = new Set(['partial', 'transaction-conflict']);

function sdkError(name: string, status: number, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, ...extra });
}

function entriesOf(input: unknown): AnyInput[] {
  const entries = (input as AnyInput)['Entries'];
  return Array.isArray(entries) ? (entries as AnyInput[]) : [];
}

/** The positions of the batch's entries a `partial` rule fails. */
function failedPositions(rule: FaultRule, input: unknown): Set<number> {
  const entries = entriesOf(input);
  const { entriesContaining } = rule;
  if (entriesContaining !== undefined) return new Set(entries.flatMap((entry, index) => (JSON.stringify(entry).includes(entriesContaining) ? [index] : [])));
  return new Set((rule.entries ?? [0]).filter((position) => position < entries.length));
}

/**
 * Injects AWS failures into the SDK clients, inside their retry loop, so tests
 * can show that nothing is lost when AWS throttles, fails with 5xx, or answers a
 * batch with some entries failed. It counts the faults it injected, per operation.
 *
 * The operation is the one the AWS API names: the DocumentClient's commands
 * (`TransactWriteCommand`) run through the DynamoDB client's stack as the
 * low-level command (`TransactWriteItemsCommand`), so `DynamoDB.TransactWriteItems`
 * is the target for both.
 *
 * @example
 * const faults = new FaultInjector([{ target: 'EventBridge.PutEvents', kind: 'partial', entries: [0, 3] }]);
 * createAwsClients({ plugins: [faults] });
 * faults.arm([{ target: 'SQS.*', kind: 'throttle', every: 3, times: 5 }]); // other faults from now on
 */
export class FaultInjector implements ClientPlugin {
  private states: RuleState[] = [];
  private byOperation = new Map<string, number>();
  public injected = 0;

  public constructor(rules: readonly FaultRule[] = []) {
    this.arm(rules);
  }

  /** Replaces the rules (none: no faults) and starts counting afresh. */
  public arm(rules: readonly FaultRule[]): void {
    this.states = rules.map((rule) => ({ rule, seen: 0, hits: 0 }));
    this.byOperation = new Map();
    this.injected = 0;
  }

  /** Faults injected since the rules were armed, per `Service.Operation`. */
  public injectedByOperation(): Record<string, number> {
    return Object.fromEntries([...this.byOperation.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Faults injected since the rules were armed into the operations of `service` (`SQS`, `DynamoDBStreams`…). */
  public injectedInto(service: string): number {
    let sum = 0;
    for (const [operation, count] of this.byOperation) if (operation.startsWith(`${service}.`)) sum += count;
    return sum;
  }

  public apply(stack: MiddlewareStack<any, any>, service: string): void {
    const operationOf = (context: { commandName?: string }): string => `${service}.${String(context.commandName ?? '').replace(/Command$/, '')}`;
    // Transport faults sit inside the SDK's retry loop, as a real throttle or 5xx does.
    stack.add(
      (next, context) => async (args) => {
        const operation = operationOf(context);
        const state = this.hit(operation, TRANSPORT, args.input);
        if (state === undefined) return next(args);
        if (state.rule.kind === 'throttle') throw sdkError('ThrottlingException', 400, `Rate exceeded (injected into ${operation})`);
        if (state.rule.kind === 'lost-response') {
          await next(args);
          throw sdkError('InternalServerError', 500, `Answer lost (injected into ${operation})`);
        }
        if (state.rule.kind === 'error') {
          const { name, status } = state.rule.error ?? { name: 'ValidationException', status: 400 };
          throw sdkError(name, status, `${name} (injected into ${operation})`);
        }
        throw sdkError('InternalServerError', 500, `Internal failure (injected into ${operation})`);
      },
      { step: 'finalizeRequest', name: 'conveyorTransportFaults', priority: 'low', override: true },
    );
    // Batch faults change what is sent and what comes back, which the adapters must retry themselves.
    stack.add(
      (next, context) => async (args) => {
        const operation = operationOf(context);
        const state = this.hit(operation, BATCH, args.input);
        if (state === undefined) return next(args);
        if (state.rule.kind === 'transaction-conflict') {
          const items = ((args.input as AnyInput)['TransactItems'] as unknown[] | undefined) ?? [];
          throw sdkError('TransactionCanceledException', 400, `Transaction cancelled (injected into ${operation})`, {
            CancellationReasons: items.map((_item, index) => (index === 0 ? { Code: 'TransactionConflict', Message: 'injected' } : { Code: 'None' })),
          });
        }
        return (await this.partial(operation, failedPositions(state.rule, args.input), args, next, state.rule.error?.name)) as any;
      },
      { step: 'initialize', name: 'conveyorBatchFaults', priority: 'high', override: true },
    );
  }

  private hit(operation: string, kinds: ReadonlySet<FaultKind>, input: unknown): RuleState | undefined {
    let text: string | undefined;
    for (const state of this.states) {
      if (!kinds.has(state.rule.kind)) continue;
      const { target, every = 1, times = Number.POSITIVE_INFINITY, inputContains } = state.rule;
      const matches = target === operation || (target.endsWith('.*') && operation.startsWith(target.slice(0, -1)));
      if (!matches || state.hits >= times) continue;
      if (inputContains !== undefined && !(text ??= JSON.stringify(input) ?? '').includes(inputContains)) continue;
      if (state.rule.entriesContaining !== undefined && failedPositions(state.rule, input).size === 0) continue; // none of its entries here
      state.seen += 1;
      if (state.seen % every !== 0) continue;
      state.hits += 1;
      this.injected += 1;
      this.byOperation.set(operation, (this.byOperation.get(operation) ?? 0) + 1);
      return state;
    }
    return undefined;
  }

  /**
   * Sends the batch without the chosen entries and reports those entries as
   * failed, in the operation's own shape. When every entry is chosen, nothing is
   * sent (AWS refuses an empty batch) and the answer lists them all as failed.
   */
  private async partial(operation: string, failed: ReadonlySet<number>, args: { input: unknown }, next: (args: any) => Promise<unknown>, refusal?: string): Promise<unknown> {
    if (failed.size === 0) throw sdkError('InternalFailure', 500, `Internal failure (injected into ${operation}: the batch has none of the entries to fail)`);
    const input = args.input as AnyInput;
    const entries = entriesOf(input);
    const kept = entries.filter((_entry, index) => !failed.has(index));
    const result = kept.length > 0 ? ((await next({ ...args, input: { ...input, Entries: kept } })) as AnyOutput) : { output: { $metadata: { httpStatusCode: 200 } } };
    if (operation === 'EventBridge.PutEvents') {
      const results = [...((result.output['Entries'] as AnyInput[] | undefined) ?? [])];
      for (const index of [...failed].sort((a, b) => a - b)) results.splice(index, 0, { ErrorCode: refusal ?? 'InternalFailure', ErrorMessage: 'injected' });
      return { ...result, output: { ...result.output, Entries: results, FailedEntryCount: Number(result.output['FailedEntryCount'] ?? 0) + failed.size } };
    }
    const failures = [...failed].map((index) => ({ Id: String(entries[index]?.['Id']), Code: refusal ?? 'InternalError', SenderFault: refusal !== undefined, Message: 'injected' }));
    return { ...result, output: { ...result.output, Failed: [...((result.output['Failed'] as unknown[] | undefined) ?? []), ...failures] } };
  }
}
