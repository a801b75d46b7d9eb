import type { Json, Message } from '../domain/types.js';
import { filterable, type FilterInput } from './filterable.js';
import { compilePattern, type CompiledPattern } from './pattern/index.js';

export { filterable, type FilterInput } from './filterable.js';

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
