import type { MiddlewareStack } from '@smithy/types';
import type { ClientPlugin } from './clients.js';

/**
 * Counts the AWS requests the backend sends, per `Service.Operation`, retries
 * included (it sits after the retry middleware). Tests and the cost model read it.
 *
 * @example
 * const counter = new RequestCounter();
 * createAwsClients({ plugins: [counter] });
 * counter.reset(); await publish(); counter.snapshot(); // { 'DynamoDB.TransactWriteItems': 1, ... }
 */
export class RequestCounter implements ClientPlugin {
  private counts = new Map<string, number>();

  public apply(stack: MiddlewareStack<any, any>, service: string): void {
    stack.add(
      (next, context) => async (args) => {
        const operation = `${service}.${String(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
        this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'conveyorRequestCounter', priority: 'low', override: true },
    );
  }

  public snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  public total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  public reset(): void {
    this.counts = new Map();
  }
}
