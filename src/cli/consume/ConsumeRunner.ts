import { setTimeout as sleep } from 'node:timers/promises';
import type { SQSBatchResponse } from 'aws-lambda';
import { ConveyorClient, ConveyorError, type SubscriptionView, type TopicDetails } from '../../client/index.js';
import { nackReason } from '../../client/nackReason.js';
import type { Delivery } from '../../domain/types.js';
import { localLambdaContext, type SqsLambdaHandler } from '../../emulation/lambdaContext.js';
import { takeFailure } from '../../lambda/failureRegistry.js';
import { SUBSCRIPTION_QUEUES_ENV, subscriptionQueuesVariable } from '../../lambda/subscriptionQueues.js';
import { CommandError } from '../errors.js';
import { DeliveryEvents, subscriptionQueueArn } from './deliveryEvents.js';
import { loadHandler } from './loadHandler.js';
import { Progress, type ProgressStream } from './Progress.js';

export interface ConsumeSettings {
  readonly topic: string;
  readonly subscription: string;
  /** `path[#export]` of the Lambda handler module. */
  readonly handler: string;
  readonly url: string;
  readonly token?: string;
  /** Messages per invocation (one pull), 1–100. */
  readonly batchSize: number;
  /** Invocations at once, each pulling its own batch: the event source mapping's maximum concurrency. */
  readonly concurrency: number;
  /** Long-poll of each pull, 0–20 s. */
  readonly waitSeconds: number;
  readonly cwd: string;
  readonly stderr: ProgressStream;
  /** @default 1000 ms on a terminal, 5000 ms otherwise */
  readonly progressIntervalMs?: number;
}

/** Why a message failed when the handler listed it without throwing through `consume` (no reason recorded). */
const UNRECORDED_REASON = 'reported in batchItemFailures';
/** Pause after a pull that failed for a reason that may pass (server restarting, 503, 429). */
const RETRY_PAUSE_MS = 1000;

/**
 * `conveyor consume`: runs an unchanged Lambda handler module against a running
 * Conveyor, as an SQS event source mapping with ReportBatchItemFailures would
 * run it on AWS. Each of `concurrency` workers pulls a batch (long polling),
 * turns it into the SQS event AWS would deliver (DeliveryEvents), invokes the
 * handler with a Lambda-like context whose remaining time ends with the lease,
 * then acks what succeeded and nacks what `batchItemFailures` lists, with the
 * reason the handler's `consume` recorded (the thrown error's message). A
 * handler that throws fails the whole batch, as on Lambda, and so does a
 * response naming a message that was not in the batch.
 *
 * `stop()` (the first SIGINT) ends the pulls at once and lets the batches in
 * hand finish, ack and nack; `run` then answers 0.
 *
 * @example
 * const runner = new ConsumeRunner({ topic: 'orders', subscription: 'billing', handler: './dist/billing.js', url, batchSize: 10, concurrency: 1, waitSeconds: 20, cwd: process.cwd(), stderr: process.stderr });
 * process.once('SIGINT', () => runner.stop());
 * process.exitCode = await runner.run();
 */
export class ConsumeRunner {
  private readonly client: ConveyorClient;
  private readonly stopping = new AbortController();
  private readonly progress: Progress;
  private readonly label: string;

  public constructor(private readonly settings: ConsumeSettings) {
    this.client = new ConveyorClient({ url: settings.url, ...(settings.token === undefined ? {} : { token: settings.token }) });
    this.label = `${settings.topic}/${settings.subscription}`;
    this.progress = new Progress(settings.stderr, this.label);
  }

  /** Asks the workers to stop after the batch in hand. */
  public stop(): void {
    this.stopping.abort();
  }

  public get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Consumes until stopped; answers the exit code. A CommandError or a refused pull ends it early. */
  public async run(): Promise<number> {
    const { topic, subscription } = await this.describe();
    const region = process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
    const queueArn = subscriptionQueueArn(subscription, region);
    // Set before the module loads, for handlers that read it at import.
    process.env[SUBSCRIPTION_QUEUES_ENV] = subscriptionQueuesVariable([{ queueArn, topic: topic.name, subscription: subscription.name, maxDeliveries: subscription.maxDeliveries }]);
    const handler = await loadHandler(this.settings.handler, this.settings.cwd);
    const events = new DeliveryEvents({ topic, subscription, queueArn });
    this.progress.note(`consuming ${this.label} from ${this.settings.url} with ${this.settings.handler} (${subscription.ordered ? 'ordered: FIFO records' : 'unordered'}, queue ${queueArn}); Ctrl-C stops after the batch in hand`);
    const ticker = this.startProgress();
    try {
      const workers = Array.from({ length: this.settings.concurrency }, () => this.work(handler, events, subscription, region));
      const outcomes = await Promise.allSettled(workers);
      const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failure !== undefined) throw failure.reason;
    } finally {
      clearInterval(ticker);
      this.progress.show(await this.backlog());
      this.progress.newline();
    }
    return 0;
  }

  private async describe(): Promise<{ topic: TopicDetails; subscription: SubscriptionView }> {
    try {
      const [topic, subscription] = await Promise.all([this.client.getTopic(this.settings.topic), this.client.getSubscription(this.settings.topic, this.settings.subscription)]);
      return { topic, subscription };
    } catch (error) {
      if (error instanceof ConveyorError && !error.retryable) throw new CommandError(`cannot consume ${this.label} at ${this.settings.url}: ${described(error)}`, 1, { cause: error });
      throw error;
    }
  }

  private async work(handler: SqsLambdaHandler, events: DeliveryEvents, subscription: SubscriptionView, region: string): Promise<void> {
    while (!this.stopped) {
      let deliveries: Delivery[];
      let pulledAt: number;
      try {
        pulledAt = Date.now();
        const pulled = await this.client.pull(this.settings.topic, this.settings.subscription, { max: this.settings.batchSize, waitSeconds: this.settings.waitSeconds, signal: this.stopping.signal });
        deliveries = fromJson(pulled.messages);
      } catch (error) {
        if (this.stopped) return;
        if (!(error instanceof ConveyorError) || !error.retryable) {
          // The other workers stop too; this error is the one reported.
          this.stop();
          throw new CommandError(`cannot go on consuming ${this.label}: ${error instanceof ConveyorError ? described(error) : error instanceof Error ? error.message : String(error)}`, 1, { cause: error });
        }
        this.progress.note(`pull failed, retrying in ${RETRY_PAUSE_MS / 1000} s: ${described(error)}`);
        await sleep(RETRY_PAUSE_MS, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        continue;
      }
      // A batch in hand is finished even when a stop comes meanwhile.
      if (deliveries.length > 0) await this.invoke(handler, events, subscription, region, deliveries, pulledAt);
    }
  }

  /**
   * Runs the handler on one batch. Its context's time ends with the batch's
   * shortest lease, counted from when the pull was sent (each delivery says
   * how long its lease is, which a PATCH of the ack deadline may have changed).
   */
  private async invoke(handler: SqsLambdaHandler, events: DeliveryEvents, subscription: SubscriptionView, region: string, deliveries: Delivery[], pulledAt: number): Promise<void> {
    const now = Date.now();
    const { event, ackIds } = events.batch(deliveries, now);
    const leaseSeconds = Math.min(...deliveries.map((delivery) => delivery.leaseSeconds));
    const context = localLambdaContext({ functionName: `${subscription.topic}-${subscription.name}`, deadline: pulledAt + leaseSeconds * 1000, region });
    let failed: Map<string, string>;
    try {
      failed = this.failures((await handler(event, context)) ?? undefined, ackIds);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failed = new Map([...ackIds.keys()].map((messageId) => [messageId, takeFailure(messageId) ?? reason]));
    }
    for (const messageId of ackIds.keys()) if (!failed.has(messageId)) takeFailure(messageId);
    await this.settle(ackIds, failed);
  }

  /**
   * The failed messages and why, from the handler's response. As Lambda does,
   * an identifier that names no message of the batch fails the whole batch.
   */
  private failures(response: SQSBatchResponse | void | undefined, ackIds: ReadonlyMap<string, string>): Map<string, string> {
    const listed = (response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
    const unknown = listed.find((messageId) => !ackIds.has(messageId));
    if (unknown !== undefined) {
      const reason = `the handler reported ${JSON.stringify(unknown)}, which is not a message of the batch, so the whole batch failed (as on Lambda)`;
      return new Map([...ackIds.keys()].map((messageId) => [messageId, takeFailure(messageId) ?? reason]));
    }
    return new Map(listed.map((messageId) => [messageId, takeFailure(messageId) ?? UNRECORDED_REASON]));
  }

  /** Acks the successes and nacks the failures (one nack per distinct reason), then counts them. */
  private async settle(ackIds: ReadonlyMap<string, string>, failed: ReadonlyMap<string, string>): Promise<void> {
    const succeeded = [...ackIds].filter(([messageId]) => !failed.has(messageId)).map(([, ackId]) => ackId);
    const byReason = new Map<string, string[]>();
    for (const [messageId, reason] of failed) {
      const ackId = ackIds.get(messageId);
      if (ackId !== undefined) byReason.set(reason, [...(byReason.get(reason) ?? []), ackId]);
    }
    const { topic, subscription } = this.settings;
    const calls = [
      succeeded.length === 0 ? Promise.resolve(undefined) : this.client.ack(topic, subscription, succeeded),
      ...[...byReason].map(([reason, ackIds]) => {
        const trimmed = nackReason(reason);
        return this.client.nack(topic, subscription, { ackIds, ...(trimmed === undefined ? {} : { reason: trimmed }) });
      }),
    ];
    const outcomes = await Promise.allSettled(calls);
    const [acked, ...nacked] = outcomes;
    const lost = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? (outcome.value?.failed ?? []) : []));
    for (const outcome of outcomes) if (outcome.status === 'rejected') this.progress.note(`ack or nack failed; those messages come back after their ack deadline: ${String(outcome.reason)}`);
    if (lost.length > 0) {
      this.progress.note(`${lost.length} ack(s)/nack(s) refused (${[...new Set(lost.map((entry) => entry.code))].join(', ')}): the handler took longer than the ack deadline, and those messages are delivered again`);
    }
    const count = (outcome: PromiseSettledResult<{ acked: number } | undefined> | undefined): number => (outcome?.status === 'fulfilled' ? (outcome.value?.acked ?? 0) : 0);
    this.progress.count(count(acked), nacked.reduce((sum, outcome) => sum + count(outcome), 0));
  }

  private startProgress(): NodeJS.Timeout {
    const interval = this.settings.progressIntervalMs ?? (this.settings.stderr.isTTY === true ? 1000 : 5000);
    let busy = false;
    const ticker = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.backlog()
        .then((backlog) => this.progress.show(backlog))
        .finally(() => {
          busy = false;
        });
    }, interval);
    ticker.unref();
    return ticker;
  }

  /** The subscription's backlog (its stats), or null when the API does not answer. */
  private async backlog(): Promise<number | null> {
    try {
      return (await this.client.getSubscription(this.settings.topic, this.settings.subscription)).stats.backlog;
    } catch {
      return null;
    }
  }
}

/** A refused request as the command reports it: `GET /v1/…: 404 SubscriptionNotFound: …`. */
function described(error: ConveyorError): string {
  return `${error.request ?? 'request'}: ${error.status === 0 ? '' : `${error.status} `}${error.code}: ${error.message}`;
}

/** Pulled deliveries as the domain types them: their bodies were parsed from JSON, so they are Json. */
function fromJson(deliveries: readonly unknown[]): Delivery[] {
  return deliveries as Delivery[];
}
