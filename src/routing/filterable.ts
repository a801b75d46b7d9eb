import type { Json } from '../domain/types.js';

/** What a filter is matched against: the routing-relevant parts of a message. */
export interface FilterInput {
  readonly key: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: Json;
}

/**
 * What a pattern sees of a message: `body` always, `key` and `attributes` only
 * when the message has them. An absent field is absent, not null, so
 * `{"key":[{"exists":false}]}` matches a keyless message and `anything-but`
 * does not, as on EventBridge (the AWS relay presents messages the same way).
 *
 * Apart from SubscriptionMatcher so that the queue envelope (queueMessages.ts),
 * which Lambda consumers decode, does not pull the pattern compiler into their bundles.
 *
 * @example
 * filterable({ key: null, attributes: {}, body: 1 }); // { body: 1 }
 */
export function filterable(message: FilterInput): { key?: string; attributes?: Readonly<Record<string, string>>; body: Json } {
  return {
    ...(message.key === null ? {} : { key: message.key }),
    ...(Object.keys(message.attributes).length === 0 ? {} : { attributes: message.attributes }),
    body: message.body,
  };
}
