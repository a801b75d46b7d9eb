import type { Json, Message } from '../domain/types.js';
import { compilePattern, type CompiledPattern } from './pattern/index.js';

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

const matchAll: CompiledPattern = { matches: () => true };

/**
 * A subscription's filter, compiled once. No filter means every message matches
 * (RabbitMQ's fanout exchange); a pattern is an Amazon EventBridge event pattern
 * matched against `{ key, attributes, body }`.
 */
export class SubscriptionMatcher {
  private readonly pattern: CompiledPattern;

  public constructor(filter: Json | null) {
    this.pattern = filter === null ? matchAll : compilePattern(filter);
  }

  public matches(message: FilterInput | Message): boolean {
    return this.pattern.matches(filterable(message));
  }
}
