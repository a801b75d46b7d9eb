import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { PartialRetryOptions } from '../batches.js';
import { MAX_BATCH_ENTRIES, MAX_EVENTS_BATCH_BYTES, packBatches, runBatches, spentFailure, type BatchOutcome, type EntryFailure } from './batchEntries.js';
import { PACK_SOURCE } from '../packs/packFormat.js';
import { EVENT_SOURCE, type QueuedMessage } from './queueMessages.js';

/** EventBridge's largest PutEvents entry: under 256 KB, counted as below. */
export const MAX_EVENT_ENTRY_BYTES = 262_144;
/** What EventBridge counts for a `Time` parameter. */
const TIME_BYTES = 14;

/** PutEvents entry codes worth sending again: the service's throttling and faults. */
const RETRYABLE = /Throttl|Internal|Unavailable|Timeout/i;

/**
 * An entry that was not published: `refused` when EventBridge answered it with
 * an error no retry lifts (not throttling, not a fault on its side). `code` is
 * EventBridge's error code for the entry, RetriesSpent when it was still
 * throttled or failing after every retry, or the error's name when the call
 * failed as a whole.
 */
export interface BusFailure {
  readonly entry: BusEntry;
  readonly refused: boolean;
  readonly code: string;
  readonly message: string;
}

/** One event for the bus, and the stream record it stands for. */
export interface BusEntry {
  readonly record: number;
  readonly entry: PutEventsRequestEntry;
  readonly bytes: number;
}

/**
 * The event bus the relay publishes every message to, in packs (packFormat.ts)
 * or, for subscriptions created before packs, one event per message. PutEvents
 * in batches of 10 entries and 256 KB, all at once, with per-entry retries of
 * the entries EventBridge reports as throttled or failed on its side. The
 * target of a per-message rule receives the whole event (no InputPath or
 * InputTransformer), which decodeQueueBody reads.
 *
 * moto's delivery to SQS targets differs: it builds a JSONPath parser per
 * event and target (about a quarter second each, so tests keep fan-out small),
 * and it fills its event template by text substitution, so a message whose
 * text contains `<id>`, `<source>`, `<time>` or another field name in angle
 * brackets arrives altered. Real EventBridge does neither.
 *
 * @example
 * const bus = new EventBus(clients.events, resources.eventBus);
 * const entry = bus.entry(0, 'orders', toQueuedMessage(message), message.publishedAt);
 * const failures = await bus.publish(entry === null ? [] : [entry]);
 */
export class EventBus {
  public constructor(
    private readonly events: EventBridgeClient,
    private readonly name: string,
    private readonly retry: PartialRetryOptions = {},
  ) {}

  /**
   * The event of a message: source `conveyor`, detail-type its topic, detail
   * the queued message. Null when EventBridge would refuse it for size (its
   * `Source`, `DetailType`, `Detail` and `Time` together reach 256 KB).
   */
  public entry(record: number, topic: string, detail: QueuedMessage, publishedAt: string): BusEntry | null {
    const text = JSON.stringify(detail);
    const bytes = TIME_BYTES + Buffer.byteLength(EVENT_SOURCE) + Buffer.byteLength(topic) + Buffer.byteLength(text);
    if (bytes >= MAX_EVENT_ENTRY_BYTES) return null;
    return { record, bytes, entry: { EventBusName: this.name, Source: EVENT_SOURCE, DetailType: topic, Detail: text, Time: new Date(publishedAt) } };
  }

  /** The event of a pack (packFormat.ts): source `conveyor.pack`, detail-type its topic; at most `packDetailLimit` bytes of detail. */
  public packEntry(record: number, topic: string, detail: string): BusEntry {
    return { record, bytes: Buffer.byteLength(PACK_SOURCE) + Buffer.byteLength(topic) + Buffer.byteLength(detail), entry: { EventBusName: this.name, Source: PACK_SOURCE, DetailType: topic, Detail: detail } };
  }

  /** The most bytes of detail a pack of the topic may have for its event to stay under 256 KB. */
  public static packDetailLimit(topic: string): number {
    return MAX_EVENT_ENTRY_BYTES - 1 - Buffer.byteLength(PACK_SOURCE) - Buffer.byteLength(topic);
  }

  /** Publishes every entry; answers the entries that could not be published. */
  public async publish(entries: readonly BusEntry[]): Promise<BusFailure[]> {
    const batches = packBatches(entries, { maxEntries: MAX_BATCH_ENTRIES, maxBytes: MAX_EVENTS_BATCH_BYTES, sizeOf: (entry) => entry.bytes });
    const unpublished = await Promise.all(batches.map((batch) => this.publishBatch(batch)));
    return unpublished.flat();
  }

  private async publishBatch(batch: readonly BusEntry[]): Promise<BusFailure[]> {
    const retrying = new Set<BusEntry>();
    const refused: Array<EntryFailure<BusEntry>> = [];
    let spent: Array<EntryFailure<BusEntry>> = [];
    try {
      await runBatches(
        [[...batch]],
        'put events on the bus',
        async (entries) => {
          const outcome = await this.put(entries);
          for (const entry of entries) retrying.delete(entry);
          for (const entry of outcome.retry) retrying.add(entry);
          refused.push(...outcome.failed);
          return outcome;
        },
        { retry: this.retry },
      );
    } catch (error) {
      // Retries are spent, or a call failed as a whole (before any answer: the whole batch).
      const answered = retrying.size > 0 || refused.length > 0;
      const code = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      spent = answered ? [...retrying].map(spentFailure) : batch.map((entry) => ({ entry, code, message }));
    }
    return [...refused.map((failure) => ({ ...failure, refused: true })), ...spent.map((failure) => ({ ...failure, refused: false }))];
  }

  /** One PutEvents call; its answer lists an outcome per entry, in order. */
  private async put(entries: readonly BusEntry[]): Promise<BatchOutcome<BusEntry>> {
    const answer = await this.events.send(new PutEventsCommand({ Entries: entries.map(({ entry }) => entry) }));
    const retry: BusEntry[] = [];
    const failed: Array<EntryFailure<BusEntry>> = [];
    (answer.Entries ?? []).forEach((result, index) => {
      const entry = entries[index];
      if (entry === undefined || result.ErrorCode === undefined) return;
      if (RETRYABLE.test(result.ErrorCode)) retry.push(entry);
      else failed.push({ entry, code: result.ErrorCode, message: result.ErrorMessage ?? '' });
    });
    return { retry, failed };
  }
}
