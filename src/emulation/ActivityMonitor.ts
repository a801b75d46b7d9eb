import type { MiddlewareStack } from '@smithy/types';
import type { ClientPlugin } from '../adapters/aws/clients.js';

/** Operations that change nothing an event source could deliver. */
const READS = /^(Get|Describe|List|Query|Scan|BatchGet|ReceiveMessage$)/;

/**
 * Counts the AWS requests that may have given the event sources new work
 * (every request but reads), so the local runner can tell that nothing
 * happened since it last settled and skip a round of polling.
 *
 * @example
 * const activity = new ActivityMonitor();
 * createAwsClients({ plugins: [activity] });
 */
export class ActivityMonitor implements ClientPlugin {
  public writes = 0;

  public apply(stack: MiddlewareStack<any, any>): void {
    stack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? '').replace(/Command$/, '');
        if (!READS.test(operation)) this.writes += 1;
        return next(args);
      },
      { step: 'initialize', name: 'conveyorActivityMonitor', override: true },
    );
  }
}
