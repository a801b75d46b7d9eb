import type { Json, Message } from '../domain/types.js';
import { compilePattern, type CompiledPattern } from './pattern/index.js';

/** What a filter is matched against: the routing-relevant parts of a message. */
export interface FilterInput {
  readonly key: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: Json;
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
    return this.pattern.matches({ key: message.key, attributes: message.attributes, body: message.body });
  }
}
