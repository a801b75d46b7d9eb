import type { MiddlewareStack } from '@smithy/types';
import type { ClientPlugin } from '../../src/adapters/aws/clients.js';

/** What a fault does to a request it hits. */
export type FaultKind =
  /** Refused before sending with a throttling error (HTTP 400 ThrottlingException). */
  | 'throttle'
  /** Refused before sending with a 500. */
  | 'server-error'
  /** For batch calls: the chosen entries are not sent and come back as failed entries; the rest succeed. */
  | 'partial'
  /** For TransactWriteItems: cancelled as a whole with a TransactionConflict reason, nothing written. */
  | 'transaction-conflict';

export interface FaultRule {
  /** `Service.Operation`, e.g. `EventBridge.PutEvents`, or `Service.*`. */
  readonly target: string;
  readonly kind: FaultKind;
  /** Hit every n-th matching request (1 = every one). @default 1 */
  readonly every?: number;
  /** Stop after this many hits. @default Infinity */
  readonly times?: number;
  /** For `partial`: fail the entries at these positions of the batch. @default [0] */
  readonly entries?: readonly number[];
}

interface RuleState {
  readonly rule: FaultRule;
  seen: number;
  hits: number;
}

type AnyInput = Record<string, unknown>;
const TRANSPORT: ReadonlySet<FaultKind> = new Set(['throttle', 'server-error']);
const BATCH: ReadonlySet<FaultKind> = new Set(['partial', 'transaction-conflict']);
type AnyOutput = { output: Record<string, unknown> };

function sdkError(name: string, status: number, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, ...extra });
}

/**
 * Injects AWS failures into the SDK clients, inside their retry loop, so tests
 * can show that nothing is lost when AWS throttles, fails with 5xx, or answers a
 * batch with some entries failed. It also counts the faults it injected.
 *
 * @example
 * const faults = new FaultInjector([{ target: 'EventBridge.PutEvents', kind: 'partial', entries: [0, 3] }]);
 * createAwsClients({ plugins: [faults] });
 */
export class FaultInjector implements ClientPlugin {
  private readonly states: RuleState[];
  public injected = 0;

  public constructor(rules: readonly FaultRule[]) {
    this.states = rules.map((rule) => ({ rule, seen: 0, hits: 0 }));
  }

  public apply(stack: MiddlewareStack<any, any>, service: string): void {
    const operationOf = (context: { commandName?: string }): string => `${service}.${String(context.commandName ?? '').replace(/Command$/, '')}`;
    // Transport faults sit inside the SDK's retry loop, as a real throttle or 5xx does.
    stack.add(
      (next, context) => async (args) => {
        const operation = operationOf(context);
        const state = this.hit(operation, TRANSPORT);
        if (state === undefined) return next(args);
        this.injected += 1;
        if (state.rule.kind === 'throttle') throw sdkError('ThrottlingException', 400, `Rate exceeded (injected into ${operation})`);
        throw sdkError('InternalServerError', 500, `Internal failure (injected into ${operation})`);
      },
      { step: 'finalizeRequest', name: 'conveyorTransportFaults', priority: 'low', override: true },
    );
    // Batch faults change what is sent and what comes back, which the adapters must retry themselves.
    stack.add(
      (next, context) => async (args) => {
        const operation = operationOf(context);
        const state = this.hit(operation, BATCH);
        if (state === undefined) return next(args);
        this.injected += 1;
        if (state.rule.kind === 'transaction-conflict') {
          const items = ((args.input as AnyInput)['TransactItems'] as unknown[] | undefined) ?? [];
          throw sdkError('TransactionCanceledException', 400, `Transaction cancelled (injected into ${operation})`, {
            CancellationReasons: items.map((_item, index) => (index === 0 ? { Code: 'TransactionConflict', Message: 'injected' } : { Code: 'None' })),
          });
        }
        return (await this.partial(operation, state.rule.entries ?? [0], args, next)) as any;
      },
      { step: 'initialize', name: 'conveyorBatchFaults', priority: 'high', override: true },
    );
  }

  private hit(operation: string, kinds: ReadonlySet<FaultKind>): RuleState | undefined {
    for (const state of this.states) {
      if (!kinds.has(state.rule.kind)) continue;
      const { target, every = 1, times = Number.POSITIVE_INFINITY } = state.rule;
      const matches = target === operation || (target.endsWith('.*') && operation.startsWith(target.slice(0, -1)));
      if (!matches || state.hits >= times) continue;
      state.seen += 1;
      if (state.seen % every !== 0) continue;
      state.hits += 1;
      return state;
    }
    return undefined;
  }

  /** Sends the batch without the chosen entries and reports those entries as failed, in the operation's own shape. */
  private async partial(operation: string, positions: readonly number[], args: { input: unknown }, next: (args: any) => Promise<unknown>): Promise<unknown> {
    const input = args.input as AnyInput;
    const entries = (input['Entries'] as AnyInput[] | undefined) ?? [];
    const failed = new Set(positions.filter((position) => position < entries.length));
    if (failed.size === 0 || failed.size === entries.length) throw new Error(`partial fault on ${operation} needs a batch larger than the failed positions`);
    const kept = entries.filter((_entry, index) => !failed.has(index));
    const result = (await next({ ...args, input: { ...input, Entries: kept } })) as AnyOutput;
    if (operation === 'EventBridge.PutEvents') {
      const results = [...((result.output['Entries'] as AnyInput[] | undefined) ?? [])];
      for (const index of [...failed].sort((a, b) => a - b)) results.splice(index, 0, { ErrorCode: 'InternalFailure', ErrorMessage: 'injected' });
      return { ...result, output: { ...result.output, Entries: results, FailedEntryCount: Number(result.output['FailedEntryCount'] ?? 0) + failed.size } };
    }
    const failures = [...failed].map((index) => ({ Id: String(entries[index]?.['Id']), Code: 'InternalError', SenderFault: false, Message: 'injected' }));
    return { ...result, output: { ...result.output, Failed: [...((result.output['Failed'] as unknown[] | undefined) ?? []), ...failures] } };
  }
}
