import type { Delivery } from '../types.js';

/**
 * Messages pulled and waiting for a handler. On an ordered subscription it
 * hands out messages of one key one at a time, in (partition, offset)
 * order: a message of a key whose earlier message is still running waits,
 * and messages of other keys (or of no key) go ahead of it. Unordered, it is
 * first in, first out.
 *
 * @example
 * const queue = new DeliveryQueue(true);
 * queue.add(deliveries);
 * const next = queue.take(); // later: queue.finished(next)
 */
export class DeliveryQueue {
  private waiting: Delivery[] = [];
  private readonly runningKeys = new Set<string>();

  public constructor(private readonly ordered: boolean) {}

  public get size(): number {
    return this.waiting.length;
  }

  public add(deliveries: readonly Delivery[]): void {
    this.waiting.push(...deliveries);
  }

  /** The next message that may start now, or undefined; it counts as running until `finished`. */
  public take(): Delivery | undefined {
    const index = this.ordered ? this.nextOrderedIndex() : this.waiting.length > 0 ? 0 : -1;
    if (index === -1) return undefined;
    const [delivery] = this.waiting.splice(index, 1);
    if (this.ordered && delivery!.key !== null) this.runningKeys.add(delivery!.key);
    return delivery;
  }

  /** The message's handler is done: the next message of its key may start. */
  public finished(delivery: Delivery): void {
    if (this.ordered && delivery.key !== null) this.runningKeys.delete(delivery.key);
  }

  /** Empties the queue and answers what was in it. */
  public drain(): Delivery[] {
    const all = this.waiting;
    this.waiting = [];
    return all;
  }

  /** The first message in arrival order whose key is free, replaced by the earliest waiting message of that key. */
  private nextOrderedIndex(): number {
    const first = this.waiting.findIndex((delivery) => delivery.key === null || !this.runningKeys.has(delivery.key));
    if (first === -1) return -1;
    const key = this.waiting[first]!.key;
    if (key === null) return first;
    let earliest = first;
    this.waiting.forEach((delivery, index) => {
      if (delivery.key === key && before(delivery, this.waiting[earliest]!)) earliest = index;
    });
    return earliest;
  }
}

function before(a: Delivery, b: Delivery): boolean {
  return a.partition < b.partition || (a.partition === b.partition && a.offset < b.offset);
}
