import { AckFailure, ResponseLimits } from '../../domain/constants.js';
import { StorageError } from '../../domain/errors.js';
import { storedMessageBytes } from '../../domain/messageSize.js';
import { ResponseBudget } from '../../domain/ResponseBudget.js';
import { retryDelayMs } from '../../domain/retry.js';
import type { AckOutcome, Delivery, ExternalQueues, Message, Subscription, SubscriptionStats } from '../../domain/types.js';
import type { Clock } from '../../ports/Clock.js';
import type { ReceiveOptions, SubscriptionQueues } from '../../ports/SubscriptionQueues.js';
import { noTelemetry, type Telemetry } from '../../ports/Telemetry.js';
import type { AckIdSigner, LoadAckIdSigner } from './sqs/AckIdSigner.js';
import { decodeAckId, encodeAckId, subscriptionTag, type SqsAckId } from './sqs/ackIds.js';
import type { EntryFailure } from './sqs/batchEntries.js';
import { moveToDeadLetters, outgoingCopy, type DeadLetterCandidate, type LogMessageSource } from './sqs/deadLetterMoves.js';
import type { QueueDirectory, SubscriptionQueuePair } from './sqs/QueueDirectory.js';
import { decodeQueueBody } from './sqs/queueMessages.js';
import { MAX_VISIBILITY_SECONDS, MAX_WAIT_SECONDS, type ReceivedSqsMessage, type VisibilityChange } from './sqs/SqsQueue.js';

type AckFailureCode = (typeof AckFailure)[keyof typeof AckFailure];

interface Lease {
  readonly ackId: string;
  readonly parts: SqsAckId;
}

/** Ack ids sorted into the leases of this subscription and the ids refused outright. */
interface ParsedAckIds {
  readonly leases: Lease[];
  readonly failed: Array<{ ackId: string; code: AckFailureCode }>;
}

/** How long a nack that dead-letters a message holds it while the copy is made. */
const DEAD_LETTER_HOLD_SECONDS = 60;

/**
 * Work queues on SQS: one queue per subscription (FIFO when ordered) with a
 * dead-letter queue behind it. A lease is an SQS receive with VisibilityTimeout
 * = ackDeadlineSeconds; the ack id carries its receipt handle and the message's
 * log position, signed with the deployment's key (sqs/ackIds.ts): an id a
 * client altered or made up is refused as InvalidAckId, like any unknown id.
 *
 * Where SQS semantics differ from the embedded broker:
 * - Leases expire inside SQS: `expireLeases` has nothing to do and
 *   `nextLeaseExpiryAt` knows of nothing. An expired lease is redelivered at
 *   once, without the retry backoff (SQS has no per-message delay on expiry).
 * - A message whose lease expired maxDeliveries times becomes a dead letter
 *   lazily: the next receive finds it past maxDeliveries and moves it (SQS's own
 *   redrive, one receive later, is the net under that). A nack past
 *   maxDeliveries moves it at once.
 * - An ack answers what DeleteMessage answers: SQS accepts a receipt handle
 *   already used, or of an ended lease, so those count as acked (moto even
 *   deletes the message with a stale handle; real SQS leaves it).
 * - Ordered subscriptions receive one message per call: SQS would hand out
 *   several messages of one key in one receive, Conveyor one at a time.
 * - Nacked messages count as in flight in `stats` (they are invisible, not
 *   delayed, to SQS), and so do the held-back messages of a key as backlog.
 *
 * Where moto (the test emulator) differs from SQS, and these specs cannot see it:
 * it accepts any receipt handle a message ever had for DeleteMessage and
 * ChangeMessageVisibility (real SQS only the newest), it changes the
 * visibility of a message that is not in flight instead of answering
 * MessageNotInflight (LeaseExpired here), it keeps a long-poll running after
 * its client went away (and leases what arrives), and it makes a message
 * "visible" only once its clock is past the visibility time, so under a
 * frozen clock a visibility of 0 never ends.
 *
 * @example
 * const queues = new SqsSubscriptionQueues(directory, logMessageSource(metadata, log), () => key.signer(), systemClock, telemetry);
 * const [delivery] = await queues.receive(subscription, { max: 10, waitMs: 20_000 });
 * await queues.ack(subscription, [delivery.ackId]);
 */
export class SqsSubscriptionQueues implements SubscriptionQueues {
  public constructor(
    private readonly directory: QueueDirectory,
    private readonly logMessages: LogMessageSource,
    private readonly signer: LoadAckIdSigner,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry = noTelemetry,
    /** Bytes of messages one pull takes at most (ResponseBudget). */
    private readonly responseBytes: number = ResponseLimits.bytes.default,
  ) {}

  /**
   * ReceiveMessage until `max` messages are leased, the byte budget is spent
   * or the queue answers none; only the first call long-polls. A call never
   * asks for more messages than the rest of the budget holds at the largest
   * message size: a message received and given back would have lost a
   * delivery attempt. The signal aborts the SDK call, so a
   * departed client's long-poll stops (what SQS leased on its side before the
   * abort is lost until the lease ends); messages already leased when the
   * signal fires are given back at once.
   */
  public async receive(subscription: Subscription, options: ReceiveOptions, signal?: AbortSignal): Promise<Delivery[]> {
    // A function, not a narrowed property: the signal fires while the calls run.
    const gone = (): boolean => signal?.aborted === true;
    if (gone()) return [];
    // The key first: a lease must never be taken that no ack id can settle.
    const signer = await this.signer();
    const queues = await this.directory.subscriptionQueues(subscription);
    const tag = subscriptionTag(subscription);
    const leased: Array<{ delivery: Delivery; receiptHandle: string }> = [];
    const budget = new ResponseBudget(this.responseBytes);
    let waitSeconds = Math.min(MAX_WAIT_SECONDS, Math.ceil(options.waitMs / 1000));
    while (leased.length < options.max && budget.room() > 0 && !gone()) {
      const received = await queues.queue.receive({
        max: subscription.ordered ? 1 : Math.min(options.max - leased.length, budget.room()),
        waitSeconds,
        // Always given, never left to the queue's attribute: each delivery says how long its lease is (leaseSeconds).
        visibilitySeconds: subscription.ackDeadlineSeconds,
        ...(signal === undefined ? {} : { signal }),
      });
      waitSeconds = 0;
      if (received.length === 0) break;
      const deliveries = await this.lease(subscription, queues, { tag, signer }, received);
      leased.push(...deliveries);
      // Only an oversized message (stored before the size limit counted everything) is refused: the budget is spent.
      if (!deliveries.every(({ delivery }) => budget.admit(storedMessageBytes(delivery)))) break;
    }
    if (gone() && leased.length > 0) {
      await queues.queue.changeVisibility(leased.map(({ receiptHandle }) => ({ receiptHandle, seconds: 0 })));
      return [];
    }
    return leased.map(({ delivery }) => delivery);
  }

  /** DeleteMessageBatch, 10 per call, all calls at once. */
  public async ack(subscription: Subscription, ackIds: readonly string[]): Promise<AckOutcome> {
    const { leases, failed } = await this.parse(subscription, ackIds);
    if (leases.length === 0) return { acked: 0, failed };
    const queues = await this.directory.subscriptionQueues(subscription);
    const refused = await queues.queue.delete(leases.map((lease) => lease.parts.receiptHandle));
    return outcome(leases, failed, byHandle(refused, (entry) => entry, deleteFailureCode));
  }

  /**
   * Hides each message for `delayMs`, or the retry backoff of its attempt. A
   * message on its last attempt becomes a dead letter at once instead: a copy
   * read back from the log, with the attempts, the time and `reason`, goes to
   * the DLQ and the original is deleted. A message the log no longer holds is
   * made visible instead, so the next receive dead-letters it (without reason).
   */
  public async nack(subscription: Subscription, ackIds: readonly string[], delayMs: number | undefined, reason: string | undefined): Promise<AckOutcome> {
    const { leases, failed } = await this.parse(subscription, ackIds);
    if (leases.length === 0) return { acked: 0, failed };
    const queues = await this.directory.subscriptionQueues(subscription);
    const now = this.clock.now();
    const spent = leases.filter((lease) => lease.parts.attempt >= subscription.maxDeliveries);
    const retried = leases.filter((lease) => lease.parts.attempt < subscription.maxDeliveries);
    const changes = retried.map((lease) => ({
      receiptHandle: lease.parts.receiptHandle,
      seconds: this.leaseSeconds(lease.parts, (delayMs ?? retryDelayMs(subscription.retryBackoff, lease.parts.attempt)) / 1000, now),
    }));
    const [refusedChanges, refusedMoves] = await Promise.all([
      queues.queue.changeVisibility(changes),
      this.deadLetterNacked(subscription, queues, spent, reason ?? null, now),
    ]);
    return outcome(leases, failed, new Map([...byHandle(refusedChanges, (change) => change.receiptHandle, visibilityFailureCode), ...refusedMoves]));
  }

  /** ChangeMessageVisibility to `seconds`, capped where SQS ends any lease: 12 hours after the receive. */
  public async extend(subscription: Subscription, ackIds: readonly string[], seconds: number): Promise<AckOutcome> {
    const { leases, failed } = await this.parse(subscription, ackIds);
    if (leases.length === 0) return { acked: 0, failed };
    const queues = await this.directory.subscriptionQueues(subscription);
    const now = this.clock.now();
    const refused = await queues.queue.changeVisibility(leases.map((lease) => ({ receiptHandle: lease.parts.receiptHandle, seconds: this.leaseSeconds(lease.parts, seconds, now) })));
    return outcome(leases, failed, byHandle(refused, (change) => change.receiptHandle, visibilityFailureCode));
  }

  /**
   * Copies for this subscription only: SendMessageBatch to its queue (FIFO:
   * grouped by key, a deduplication id unique to this requeue). SQS cannot see
   * which messages wait in the queue already, so those are queued twice.
   */
  public async requeue(subscription: Subscription, messages: readonly Message[]): Promise<number> {
    if (messages.length === 0) return 0;
    const queues = await this.directory.subscriptionQueues(subscription);
    const refused = await queues.queue.send(messages.map((message) => outgoingCopy('requeue', message)));
    const [first] = refused;
    if (first !== undefined) throw new StorageError(`SQS refused ${refused.length} requeued message(s) of subscription ${JSON.stringify(subscription.name)}: ${first.code}: ${first.message}`);
    return messages.length;
  }

  /**
   * The queues' approximate counts (SQS's own, eventually consistent).
   * `oldestUnackedAgeSeconds` is 0: SQS has no API that answers it (CloudWatch's
   * ApproximateAgeOfOldestMessage metric does, and needs @aws-sdk/client-cloudwatch),
   * and peeking at messages would count as receives.
   */
  public async stats(subscription: Subscription): Promise<SubscriptionStats> {
    const queues = await this.directory.subscriptionQueues(subscription);
    const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;
    const [queue, dead] = await Promise.all([queues.queue.attributes(names), queues.deadLetterQueue.attributes(names)]);
    const count = (attributes: Partial<Record<string, string>>, name: (typeof names)[number]): number => Number(attributes[name] ?? '0');
    return {
      backlog: count(queue, 'ApproximateNumberOfMessages'),
      inFlight: count(queue, 'ApproximateNumberOfMessagesNotVisible'),
      delayed: count(queue, 'ApproximateNumberOfMessagesDelayed'),
      deadLetters: names.reduce((sum, name) => sum + count(dead, name), 0),
      oldestUnackedAgeSeconds: 0,
    };
  }

  /** The subscription's SQS queue and dead-letter queue, for consumers that attach to them directly. */
  public async externalQueues(subscription: Subscription): Promise<ExternalQueues> {
    return { aws: await this.directory.addresses(subscription) };
  }

  /** SQS expires leases itself: there is nothing to settle. */
  public async expireLeases(): Promise<number> {
    return 0;
  }

  /** SQS expires leases itself: no timer needs to wake for them. */
  public async nextLeaseExpiryAt(): Promise<number | null> {
    return null;
  }

  /** Deliveries for the received messages; those past maxDeliveries go to the DLQ instead. */
  private async lease(
    subscription: Subscription,
    queues: SubscriptionQueuePair,
    ackIds: { readonly tag: string; readonly signer: AckIdSigner },
    received: readonly ReceivedSqsMessage[],
  ): Promise<Array<{ delivery: Delivery; receiptHandle: string }>> {
    const now = this.clock.now();
    const deliveries: Array<{ delivery: Delivery; receiptHandle: string }> = [];
    const spent: DeadLetterCandidate[] = [];
    for (const sqsMessage of received) {
      const message = decodeQueueBody(sqsMessage.body);
      // Not a Conveyor message: it stays leased, and SQS's redrive takes it after maxDeliveries + 1 receives.
      if (message === null) continue;
      if (sqsMessage.receiveCount > subscription.maxDeliveries) {
        // Its lease expired maxDeliveries times: no reason is known, the nack reasons were not kept.
        spent.push({ message, receiptHandle: sqsMessage.receiptHandle, info: { attempts: subscription.maxDeliveries, deadLetteredAt: now, lastError: null } });
        continue;
      }
      const ackId = encodeAckId(
        {
          subscriptionTag: ackIds.tag,
          attempt: sqsMessage.receiveCount,
          receivedAt: now,
          partition: message.partition,
          offset: message.offset,
          receiptHandle: sqsMessage.receiptHandle,
        },
        ackIds.signer,
      );
      deliveries.push({ delivery: { ...message, ackId, deliveryAttempt: sqsMessage.receiveCount, leaseSeconds: subscription.ackDeadlineSeconds }, receiptHandle: sqsMessage.receiptHandle });
    }
    try {
      await moveToDeadLetters(subscription, queues, spent, this.telemetry);
    } catch (error) {
      // The caller gets the error, not these leases: give them back rather than let them wait out the ack deadline.
      await queues.queue.changeVisibility(deliveries.map(({ receiptHandle }) => ({ receiptHandle, seconds: 0 })));
      throw error;
    }
    return deliveries;
  }

  /** Holds the leases, reads each message back from the log and moves it to the DLQ; answers the leases it could not hold. */
  private async deadLetterNacked(subscription: Subscription, queues: SubscriptionQueuePair, spent: readonly Lease[], reason: string | null, now: number): Promise<Map<string, AckFailureCode>> {
    if (spent.length === 0) return new Map();
    // Holding first proves the lease is still ours before a copy exists (real SQS refuses a stale handle here).
    const held = await queues.queue.changeVisibility(spent.map((lease) => ({ receiptHandle: lease.parts.receiptHandle, seconds: DEAD_LETTER_HOLD_SECONDS })));
    const failures = byHandle(held, (change) => change.receiptHandle, visibilityFailureCode);
    const holding = spent.filter((lease) => !failures.has(lease.parts.receiptHandle));
    const found = await Promise.all(holding.map(async (lease) => ({ lease, message: await this.logMessages(subscription, lease.parts) })));
    const candidates = found.flatMap(({ lease, message }) =>
      message === null ? [] : [{ message, receiptHandle: lease.parts.receiptHandle, info: { attempts: lease.parts.attempt, deadLetteredAt: now, lastError: reason } }],
    );
    const gone: VisibilityChange[] = found.filter(({ message }) => message === null).map(({ lease }) => ({ receiptHandle: lease.parts.receiptHandle, seconds: 0 }));
    await Promise.all([moveToDeadLetters(subscription, queues, candidates, this.telemetry), queues.queue.changeVisibility(gone)]);
    return failures;
  }

  /** `seconds` from now, but no later than SQS allows a lease taken at `receivedAt` to last. */
  private leaseSeconds(parts: SqsAckId, seconds: number, now: number): number {
    const left = MAX_VISIBILITY_SECONDS - Math.ceil((now - parts.receivedAt) / 1000);
    return Math.max(0, Math.min(Math.ceil(seconds), left));
  }

  /** A forged or altered id fails its signature and is reported exactly as an unknown one. */
  private async parse(subscription: Subscription, ackIds: readonly string[]): Promise<ParsedAckIds> {
    const signer = await this.signer();
    const tag = subscriptionTag(subscription);
    const leases: Lease[] = [];
    const failed: ParsedAckIds['failed'] = [];
    const seen = new Set<string>();
    for (const ackId of ackIds) {
      const parts = decodeAckId(ackId, signer);
      // A repeat within one request is a second use of the same ack id.
      if (parts === null || parts.subscriptionTag !== tag || seen.has(parts.receiptHandle)) failed.push({ ackId, code: AckFailure.InvalidAckId });
      else leases.push({ ackId, parts });
      if (parts !== null) seen.add(parts.receiptHandle);
    }
    return { leases, failed };
  }
}

/** The outcome of applying a call to `leases`, given the receipt handles SQS refused and why. */
function outcome(leases: readonly Lease[], failed: ParsedAckIds['failed'], refused: ReadonlyMap<string, AckFailureCode>): AckOutcome {
  const refusedLeases = leases.flatMap((lease) => {
    const code = refused.get(lease.parts.receiptHandle);
    return code === undefined ? [] : [{ ackId: lease.ackId, code }];
  });
  return { acked: leases.length - refusedLeases.length, failed: [...failed, ...refusedLeases] };
}

function byHandle<T>(failures: ReadonlyArray<EntryFailure<T>>, handleOf: (entry: T) => string, codeOf: (sqsCode: string, message: string) => AckFailureCode): Map<string, AckFailureCode> {
  return new Map(failures.map((failure) => [handleOf(failure.entry), codeOf(failure.code, failure.message)]));
}

/** A delete SQS refuses: a handle it does not know (the message is gone) or one of an ended lease. */
function deleteFailureCode(code: string): AckFailureCode {
  return code === 'InvalidParameterValue' ? AckFailure.LeaseExpired : AckFailure.InvalidAckId;
}

/**
 * A visibility change SQS refuses: ReceiptHandleIsInvalid when the message is
 * gone (acked, or moved to the DLQ); MessageNotInflight or an expired handle
 * when the lease ended and the message waits for the next consumer.
 */
function visibilityFailureCode(code: string): AckFailureCode {
  return code === 'ReceiptHandleIsInvalid' ? AckFailure.InvalidAckId : AckFailure.LeaseExpired;
}
