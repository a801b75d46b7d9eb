import { DelayedMessageNotFoundError } from '../domain/errors.js';
import type { DelayedPage } from '../domain/types.js';
import type { Backend } from '../ports/Backend.js';
import type { TopicAdmin } from './TopicAdmin.js';

/**
 * The messages of a topic that wait for their delivery time (`delaySeconds`,
 * `deliverAt`): listed in due order, and cancelled by id before they are due.
 * A cancelled message never enters the log; one released already cannot be
 * cancelled.
 *
 * @example
 * const { messages, nextCursor } = await delays.list('orders', null, 100);
 * await delays.cancel('orders', 'remind-customer-7');
 */
export class Delays {
  public constructor(
    private readonly backend: Backend,
    private readonly topics: TopicAdmin,
  ) {}

  public async list(topicName: string, cursor: string | null, limit: number): Promise<DelayedPage> {
    return this.backend.delayed.list(await this.topics.require(topicName), cursor, limit);
  }

  /** How many messages of the topic wait for their delivery time. */
  public async count(topicName: string): Promise<number> {
    return this.backend.delayed.count(await this.topics.require(topicName));
  }

  /** Cancels every waiting message of that id; DelayedMessageNotFound when none waits (unknown, released already, or cancelled). */
  public async cancel(topicName: string, id: string): Promise<void> {
    const cancelled = await this.backend.delayed.cancel(await this.topics.require(topicName), id);
    if (cancelled === 0) throw new DelayedMessageNotFoundError(topicName, id);
  }
}
