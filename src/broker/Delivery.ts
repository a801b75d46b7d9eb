import type { AckOutcome, AckResult, DeadLetter, Delivery as Leased } from '../domain/types.js';
import type { Backend } from '../ports/Backend.js';
import type { Telemetry } from '../ports/Telemetry.js';
import type { SubscriptionAdmin } from './SubscriptionAdmin.js';

/** The outcome with the count of ack ids that did nothing beside `acked`. */
const counted = (outcome: AckOutcome): AckResult => ({ acked: outcome.acked, notAcked: outcome.failed.length, failed: outcome.failed });

/**
 * The consumer side of a subscription: pull with leases, ack, nack, extend,
 * and the dead letters (SQS's DLQ with redrive).
 *
 * @example
 * const messages = await delivery.pull('orders', 'billing', { max: 10, waitMs: 20_000 });
 * await delivery.ack('orders', 'billing', messages.map((m) => m.ackId));
 */
export class Delivery {
  public constructor(
    private readonly backend: Backend,
    private readonly subscriptions: SubscriptionAdmin,
    private readonly telemetry: Telemetry,
  ) {}

  public async pull(topic: string, name: string, options: { max: number; waitMs: number }, signal?: AbortSignal): Promise<Leased[]> {
    const subscription = await this.subscriptions.require(topic, name);
    const messages = await this.backend.queues.receive(subscription, options, signal);
    if (messages.length > 0) this.telemetry.delivered(topic, name, messages.length);
    return messages;
  }

  public async ack(topic: string, name: string, ackIds: readonly string[]): Promise<AckResult> {
    const outcome = await this.backend.queues.ack(await this.subscriptions.require(topic, name), ackIds);
    if (outcome.acked > 0) this.telemetry.acked(topic, name, outcome.acked);
    return counted(outcome);
  }

  /**
   * Acks, then pulls: a consumer hands back the batch it has processed with the
   * request for its next one, as Pub/Sub's streaming pull carries acks. The acks
   * are durable before the pull leases anything (so an ordered key's next message
   * can come in the same answer); if they fail, nothing is pulled.
   */
  public async ackThenPull(
    topic: string,
    name: string,
    ackIds: readonly string[],
    options: { max: number; waitMs: number },
    signal?: AbortSignal,
  ): Promise<{ ack: AckResult; messages: Leased[] }> {
    const ack = await this.ack(topic, name, ackIds);
    return { ack, messages: await this.pull(topic, name, options, signal) };
  }

  public async nack(topic: string, name: string, ackIds: readonly string[], delaySeconds?: number, reason?: string): Promise<AckResult> {
    const subscription = await this.subscriptions.require(topic, name);
    const outcome = await this.backend.queues.nack(subscription, ackIds, delaySeconds === undefined ? undefined : delaySeconds * 1000, reason);
    if (outcome.acked > 0) this.telemetry.nacked(topic, name, outcome.acked);
    return counted(outcome);
  }

  public async extend(topic: string, name: string, ackIds: readonly string[], seconds: number): Promise<AckResult> {
    return counted(await this.backend.queues.extend(await this.subscriptions.require(topic, name), ackIds, seconds));
  }

  public async deadLetters(topic: string, name: string, limit: number): Promise<DeadLetter[]> {
    return this.backend.deadLetters.list(await this.subscriptions.require(topic, name), limit);
  }

  public async redrive(topic: string, name: string, ids?: readonly string[]): Promise<number> {
    return this.backend.deadLetters.redrive(await this.subscriptions.require(topic, name), ids);
  }

  public async deleteDeadLetters(topic: string, name: string, ids?: readonly string[]): Promise<number> {
    return this.backend.deadLetters.delete(await this.subscriptions.require(topic, name), ids);
  }
}
