import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { StorageError, SubscriptionNotFoundError } from '../../domain/errors.js';
import type { Message, Subscription, Topic } from '../../domain/types.js';
import type { Clock } from '../../ports/Clock.js';
import type { MetadataStore } from '../../ports/MetadataStore.js';
import { SubscriptionMatcher } from '../../routing/SubscriptionMatcher.js';
import type { PartialRetryOptions } from './batches.js';
import type { AwsClients } from './clients.js';
import { batchItemFromStreamImage, messagesOf } from './logItems.js';
import type { LogHeads } from './dynamo/LogHeads.js';
import { subscriptionResourceNames } from './names.js';
import { Packer, type PackedMessage } from './packs/Packer.js';
import type { RoutedSubscription } from './packs/packFormat.js';
import type { AwsResources } from './resources.js';
import { fifoGroupId, relayDeduplicationId } from './sqs/fifo.js';
import { MISSING_QUEUE_GRACE_MS, type QueueDirectory } from './sqs/QueueDirectory.js';
import { encodeQueuedMessage, holdsSqsEscapes, toQueuedMessage } from './sqs/queueMessages.js';
import type { OutgoingSqsMessage } from './sqs/SqsQueue.js';
import { EventBus, type BusEntry, type BusFailure } from './sqs/EventBus.js';

/** One appended message from the stream, and where its record sits in the batch. */
interface Appended {
  readonly record: number;
  readonly message: Message;
  readonly topic: Topic;
}

/** A subscription with its filter, and the name its rule knows it by in packs. */
interface Route {
  readonly subscription: Subscription;
  readonly matcher: SubscriptionMatcher;
  readonly ruleName: string;
}

/**
 * Where a topic's messages go: packs for the unordered subscriptions whose
 * rules match packs, one event per message for those created before packs or
 * with fanOut `event` (whose rules filter themselves), and each ordered
 * subscription's FIFO queue.
 */
interface Routes {
  readonly topic: Topic | null;
  readonly packed: readonly Route[];
  readonly perMessage: readonly Route[];
  readonly ordered: readonly Route[];
}

/** The topic and subscription reads of the relay: the metadata store, with how each subscription is reached. */
export interface RouteCatalog extends Pick<MetadataStore, 'getTopic'> {
  listRoutedSubscriptions(topic: string): Promise<RoutedSubscription[]>;
}

/** An event on its way to the bus (a pack, or one message), with what to send straight to the queues if EventBridge refuses it for good. */
interface Fallback {
  readonly messages: readonly PackedMessage[];
  readonly subscriptions: readonly Subscription[];
}

/** Messages bound for one subscription's queue, with the records they came from. */
interface QueueSend {
  readonly subscription: Subscription;
  readonly records: number[];
  readonly messages: OutgoingSqsMessage[];
}

export interface StreamRelayOptions {
  /** Per-entry retries of PutEvents and SendMessageBatch entries that failed. */
  readonly retry?: PartialRetryOptions;
}

/**
 * The logic of the stream relay (functions/relay.ts): every message appended to
 * the log table (one stream record per record batch) reaches each subscription
 * of its topic. Unordered subscriptions
 * get it through the event bus in packs (packFormat.ts): the messages bound for
 * the same set of subscriptions (their filters applied here, by
 * SubscriptionMatcher) share one PutEvents entry of up to 256 KB, which names
 * them; each subscription's rule matches its name and delivers the pack to the
 * pack inbox, whose unpacker queues each message. Subscriptions created before
 * packs or with fanOut `event` get one event per message, which their rules
 * filter. Ordered ones get it
 * straight in their FIFO queue, filtered here with SubscriptionMatcher, grouped
 * by key and deduplicated by log position, so a retried batch does not double
 * them and a key's messages keep their offset order. (An EventBridge target
 * cannot do that: its SQS MessageGroupId is one fixed value per target, and
 * it needs content-based deduplication, which would drop equal bodies.)
 *
 * A message whose event or pack would pass EventBridge's 256 KB entry limit
 * goes straight to the queues of the unordered subscriptions it matches
 * instead; so do the messages of an event EventBridge refuses for good (a
 * message in it it cannot take), rather than holding back the whole pack, and
 * a message holding U+FFFE or U+FFFF, which EventBridge may hand on unescaped
 * to SQS, which refuses them. A pack that fails otherwise counts as a failure
 * of its first record.
 * Messages of a deleted topic, or of an earlier incarnation of its name, are
 * dropped. Before any of it goes out, each partition's head moves past the
 * batches of the invocation (LogHeads), those of dropped messages too. The
 * answer names the first record not relayed, or whose topic could not be read,
 * whose head did not move or whose batch could not be decoded (nothing from
 * such a record on is sent): the
 * event source mapping counts everything before it as done and retries from it.
 * Each of these, and each refused event sent straight to the queues, is logged.
 *
 * @example
 * const relay = new StreamRelay(clients, resources, metadata, directory, new LogHeads(clients.dynamo, resources.logTable), systemClock, logger);
 * export const handler = (event: DynamoDBStreamEvent) => relay.handle(event.Records);
 */
export class StreamRelay {
  private readonly bus: EventBus;

  public constructor(
    clients: Pick<AwsClients, 'events'>,
    resources: Pick<AwsResources, 'eventBus'>,
    private readonly metadata: RouteCatalog,
    private readonly directory: QueueDirectory,
    /** Moves the partitions' heads past the batches relayed (LogHeads). */
    private readonly heads: Pick<LogHeads, 'advance'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: StreamRelayOptions = {},
  ) {
    this.bus = new EventBus(clients.events, resources.eventBus, options.retry);
  }

  /** Relays the batch's new messages; answers the first record that must be tried again, if any. */
  public async handle(records: readonly DynamoDBRecord[]): Promise<DynamoDBBatchResponse> {
    const inserted = records.flatMap((record, index) => {
      // Heads (offset -1), updates and TTL deletes are not new messages.
      const item = record.eventName === 'INSERT' ? batchItemFromStreamImage(record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined) : null;
      return item === null ? [] : [{ record: index, item }];
    });
    const failed = new Set<number>();
    const [routes, stuck] = await Promise.all([
      this.routesByTopic(
        new Set(inserted.map(({ item }) => item.tp)),
        (topic) => inserted.filter(({ item }) => item.tp === topic).forEach(({ record }) => failed.add(record)),
      ),
      this.heads.advance(inserted.map(({ item }) => item)),
    ]);
    for (const partition of stuck) this.logger.warn({ partition }, 'relay: could not move the head of a partition; its records are tried again');
    for (const { record, item } of inserted) if (stuck.has(item.p)) failed.add(record);
    const decoded = new Map<number, Message[]>();
    for (const { record, item } of inserted) {
      try {
        decoded.set(record, messagesOf(item));
      } catch (error) {
        // A batch this version cannot read (compressed with a later version's codec, or damaged): retried from here, then the mapping's failure destination.
        if (!(error instanceof StorageError)) throw error;
        this.logger.error({ record, partition: item.p, err: error }, 'relay: a record batch cannot be decoded; it is tried again, then goes to the mapping\'s failure destination');
        failed.add(record);
      }
    }
    // Everything from the first record that failed on is tried again as a whole: none of it goes out now, so the retry sends nothing twice.
    const cutoff = Math.min(...failed);
    const appended = inserted.flatMap(({ record, item }): Appended[] => {
      const topic = routes.get(item.tp)?.topic;
      if (record >= cutoff || topic === undefined || topic === null || item.tc !== topic.createdAt) return [];
      return (decoded.get(record) ?? []).map((message) => ({ record, message, topic }));
    });

    const { events, sends, fallbacks } = this.plan(appended, routes);
    const [unpublished, unsent] = await Promise.all([this.bus.publish(events), Promise.all(sends.map((send) => this.sendToQueue(send)))]);
    for (const record of unsent.flat()) failed.add(record);
    // An event EventBridge refuses for good (a message it cannot take): its messages go straight to the queues instead, as a message too large for the bus does.
    const refused = unpublished.flatMap((failure) => {
      const fallback = failure.refused ? fallbacks.get(failure.entry) : undefined;
      this.logUnpublished(failure, fallback);
      if (fallback === undefined) failed.add(failure.entry.record);
      return fallback === undefined ? [] : [fallback];
    });
    const unsentDirectly = await Promise.all(this.directSends(refused).map((send) => this.sendToQueue(send)));
    for (const record of unsentDirectly.flat()) failed.add(record);
    const first = Math.min(...failed);
    const sequenceNumber = Number.isFinite(first) ? records[first]?.dynamodb?.SequenceNumber : undefined;
    return { batchItemFailures: sequenceNumber === undefined ? [] : [{ itemIdentifier: sequenceNumber }] };
  }

  /**
   * What to send for each message: its place in the pack of the packed
   * subscriptions it matches, one bus event when its topic has subscriptions
   * reached per message (for either, when too large, a copy to each matching
   * subscription's queue), and a FIFO copy to each matching ordered
   * subscription, in record order.
   */
  private plan(appended: readonly Appended[], routes: ReadonlyMap<string, Routes>): { events: BusEntry[]; sends: QueueSend[]; fallbacks: Map<BusEntry, Fallback> } {
    const events: BusEntry[] = [];
    const fallbacks = new Map<BusEntry, Fallback>();
    const packer = new Packer(EventBus.packDetailLimit);
    const sends = new Map<Subscription, QueueSend>();
    const queueFor = (subscription: Subscription, record: number, message: OutgoingSqsMessage): void => {
      const send = sends.get(subscription) ?? { subscription, records: [], messages: [] };
      sends.set(subscription, send);
      send.records.push(record);
      send.messages.push(message);
    };
    for (const { record, message, topic } of appended) {
      const { packed, perMessage, ordered } = routes.get(topic.name) ?? { packed: [], perMessage: [], ordered: [] };
      const body = encodeQueuedMessage(message);
      // Text EventBridge may hand on unescaped, which SQS refuses: such a message goes straight to the queues.
      const busSafe = !holdsSqsEscapes(body);
      if (perMessage.length > 0) {
        const matching = perMessage.filter(({ matcher }) => matcher.matches(message)).map(({ subscription }) => subscription);
        const entry = busSafe ? this.bus.entry(record, topic.name, toQueuedMessage(message), message.publishedAt) : null;
        if (entry !== null) {
          events.push(entry);
          fallbacks.set(entry, { messages: [{ record, text: body }], subscriptions: matching });
        } else {
          for (const subscription of matching) queueFor(subscription, record, { body });
        }
      }
      const to = packed.filter(({ matcher }) => matcher.matches(message));
      if (to.length > 0 && !(busSafe && packer.add(record, topic.name, to.map(({ ruleName }) => ruleName), body))) {
        for (const { subscription } of to) queueFor(subscription, record, { body });
      }
      for (const { subscription, matcher } of ordered) {
        if (matcher.matches(message)) queueFor(subscription, record, { body, group: fifoGroupId(message), deduplicationId: relayDeduplicationId(topic, message) });
      }
    }
    for (const pack of packer.packs()) {
      const entry = this.bus.packEntry(pack.record, pack.topic, pack.detail);
      const byName = new Map((routes.get(pack.topic)?.packed ?? []).map((route) => [route.ruleName, route.subscription]));
      fallbacks.set(entry, { messages: pack.messages, subscriptions: pack.to.flatMap((name) => byName.get(name) ?? []) });
      events.push(entry);
    }
    return { events, sends: [...sends.values()], fallbacks };
  }

  private logUnpublished({ entry, code, message }: BusFailure, fallback: Fallback | undefined): void {
    const about = { topic: entry.entry.DetailType, source: entry.entry.Source, record: entry.record, code, reason: message };
    if (fallback === undefined) this.logger.warn(about, 'relay: an event did not reach the bus; its record is tried again');
    else
      this.logger.warn(
        { ...about, messages: fallback.messages.length, subscriptions: fallback.subscriptions.map(({ name }) => name) },
        'relay: EventBridge refused an event for good; its messages go straight to the queues of its subscriptions',
      );
  }

  /** A copy of each message of the refused events for each subscription the event was for. */
  private directSends(refused: readonly Fallback[]): QueueSend[] {
    return refused.flatMap(({ messages, subscriptions }) =>
      subscriptions.map((subscription) => ({ subscription, records: messages.map(({ record }) => record), messages: messages.map(({ text }) => ({ body: text })) })),
    );
  }

  /** The routes of each topic, read once per batch; a topic whose read fails is reported through `failedTopic`. */
  private async routesByTopic(names: ReadonlySet<string>, failedTopic: (name: string) => void): Promise<Map<string, Routes>> {
    const routes = new Map<string, Routes>();
    await Promise.all(
      [...names].map(async (name) => {
        try {
          const [topic, subscriptions] = await Promise.all([this.metadata.getTopic(name), this.metadata.listRoutedSubscriptions(name)]);
          const routed = subscriptions.map(({ subscription, fanOut }) => ({
            fanOut,
            route: { subscription, matcher: new SubscriptionMatcher(subscription.filter), ruleName: subscriptionResourceNames(this.directory.prefix, subscription).rule },
          }));
          const unordered = routed.filter(({ route }) => !route.subscription.ordered);
          routes.set(name, {
            topic,
            packed: unordered.filter(({ fanOut }) => fanOut === 'pack').map(({ route }) => route),
            perMessage: unordered.filter(({ fanOut }) => fanOut === 'event').map(({ route }) => route),
            ordered: routed.filter(({ route }) => route.subscription.ordered).map(({ route }) => route),
          });
        } catch (error) {
          this.logger.warn({ topic: name, err: error }, 'relay: cannot read the topic and its subscriptions; its records are tried again');
          failedTopic(name);
        }
      }),
    );
    return routes;
  }

  /**
   * Sends one subscription's messages; answers the records not sent. A queue
   * that no longer exists belongs to a subscription deleted meanwhile: its
   * messages are dropped, as the embedded broker drops them. Unless the
   * subscription is younger than MISSING_QUEUE_GRACE_MS: SQS may not know a
   * new queue's name yet, so its records are tried again.
   */
  private async sendToQueue(send: QueueSend): Promise<number[]> {
    const about = { topic: send.subscription.topic, subscription: send.subscription.name, messages: send.messages.length };
    try {
      const { queue } = await this.directory.subscriptionQueues(send.subscription);
      const failures = await queue.send(send.messages);
      if (failures.length > 0) this.logger.warn({ ...about, unsent: failures.length, code: failures[0]!.code, reason: failures[0]!.message }, 'relay: SQS did not take some messages; their records are tried again');
      const refused = new Set(failures.map((failure) => failure.entry));
      return send.records.filter((_, index) => refused.has(send.messages[index] as OutgoingSqsMessage));
    } catch (error) {
      if (error instanceof SubscriptionNotFoundError) {
        if (this.clock.now() - Date.parse(send.subscription.createdAt) < MISSING_QUEUE_GRACE_MS) {
          this.logger.warn(about, 'relay: SQS does not know the queue of a subscription made moments ago; its records are tried again');
          return send.records;
        }
        this.logger.info(about, 'relay: the queue of a deleted subscription is gone; its messages are dropped');
        return [];
      }
      // Retries are spent (or the call failed as a whole): every record of this send is retried; SQS deduplicates the FIFO copies sent already.
      this.logger.warn({ ...about, err: error }, 'relay: cannot send to the queue of a subscription; its records are tried again');
      return send.records;
    }
  }
}
