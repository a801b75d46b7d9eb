import type { MiddlewareStack } from '@smithy/types';
import type { ClientPlugin } from '../adapters/aws/clients.js';

/**
 * Requests that can give an event source new work: writes to DynamoDB (its
 * stream), sends to SQS (the delay queue), and new or changed schedules. Both the
 * SDK's and lib-dynamodb's command names are matched.
 */
const MAY_FEED_EVENT_SOURCES = /^(DynamoDB\.(Put|Update|Delete|BatchWrite|TransactWrite)|SQS\.SendMessage|Scheduler\.(Create|Update)Schedule)/;

/**
 * Counts the AWS requests that may have given the event sources new work, so
 * the local runner can tell that nothing happened since it last settled and skip
 * a round of polling.
 *
 * @example
 * const activity = new ActivityMonitor();
 * createAwsClients({ plugins: [activity] });
 */
export class ActivityMonitor implements ClientPlugin {
  public writes = 0;

  public apply(stack: MiddlewareStack<any, any>, service: string): void {
    stack.add(
      (next, context) => async (args) => {
        if (MAY_FEED_EVENT_SOURCES.test(`${service}.${String(context.commandName ?? '')}`)) this.writes += 1;
        return next(args);
      },
      { step: 'initialize', name: 'conveyorActivityMonitor', override: true },
    );
  }
}
