import { Action } from '../../access/grants.js';
import { InvalidRequestError, preview } from '../../domain/errors.js';
import { onTopic } from '../access.js';
import { delayedQuery, messageIdParam } from '../schemas/topics.js';
import { noContent, ok, type ApiRoute } from '../types.js';
import { name, parse } from '../validate.js';

/** The message id from the path, percent-decoded; 400 when it does not decode or is out of 1–128 characters. */
function messageId(value: string | undefined): string {
  let decoded: string | undefined;
  try {
    decoded = value === undefined ? undefined : decodeURIComponent(value);
  } catch {
    throw new InvalidRequestError(`id must be percent-encoded UTF-8, but ${preview(value)} was provided`);
  }
  return parse(messageIdParam, decoded, 'id');
}

/**
 * A topic's delayed messages, waiting for their delivery time. Listing shows
 * bodies, like a log read, to consumers and managers; cancelling takes back a
 * message before it is delivered, which its publisher may do (as with Azure
 * Service Bus's scheduled messages) and so may a manager.
 */
export const delayedRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/v1/topics/{topic}/delayed',
    access: onTopic(Action.Consume, Action.Manage),
    operation: async ({ params, query }, { broker }) => {
      const { limit, cursor } = parse(delayedQuery, query, 'query');
      return ok(await broker.delays.list(name('topic', params['topic']), cursor ?? null, limit));
    },
  },
  {
    method: 'DELETE',
    path: '/v1/topics/{topic}/delayed/{id}',
    access: onTopic(Action.Publish, Action.Manage),
    operation: async ({ params }, { broker }) => {
      await broker.delays.cancel(name('topic', params['topic']), messageId(params['id']));
      return noContent;
    },
  },
];
