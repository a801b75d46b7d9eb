import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import type { AwsClients } from '../adapters/aws/clients.js';
import type { AwsResources } from '../adapters/aws/resources.js';
import type { Clock } from '../ports/Clock.js';
import type { ActivityMonitor } from './ActivityMonitor.js';
import { localLambdaContext, type SqsLambdaHandler } from './lambdaContext.js';
import { QueuePoller, type QueueHandler } from './QueuePoller.js';
import { SchedulerEmulator } from './SchedulerEmulator.js';
import type { FilterPattern } from './eventFilters.js';
import { StreamPoller, type StreamHandler } from './StreamPoller.js';

/** The Lambda handlers of the deployment, run in this process. */
export interface LocalHandlers {
  readonly relay: StreamHandler;
  readonly delayConsumer: QueueHandler;
  readonly unpacker: QueueHandler;
  readonly scheduleTarget: (input: unknown) => Promise<unknown>;
}

/** A user's function attached to a subscription queue, as `addLambdaConsumer` attaches it on AWS. */
export interface LocalConsumer {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsLambdaHandler;
  /** Messages per invocation, 1–10. @default 10 */
  readonly batchSize?: number;
  /** The function's name in its Lambda context. @default 'conveyor-consumer' */
  readonly functionName?: string;
  /** The function's timeout: what `getRemainingTimeInMillis` counts down from. @default 30000 */
  readonly timeoutMs?: number;
}

export interface LocalAwsRunnerOptions {
  readonly clients: AwsClients;
  readonly resources: AwsResources;
  readonly handlers: LocalHandlers;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Sees every write of the clients; lets `settle` skip polling when nothing was written since it last settled. */
  readonly activity?: ActivityMonitor;
  /** Pause between background rounds that found nothing to do. @default 100 */
  readonly idleMs?: number;
  /** The filter patterns of the relay's stream mapping, from the deployed template (eventFilters.ts). @default none: every record */
  readonly relayFilters?: readonly FilterPattern[];
}

/**
 * Plays Lambda's part against an emulator: polls the log table's stream into
 * the relay, the pack inbox into the unpacker and the delay queue into its
 * consumer the way event source mappings do, and fires due Scheduler schedules into the schedule target or the delay
 * queue. `start` runs it in the background (`npm start -- --backend aws`);
 * tests call `settle` to wait until everything in flight has been handled.
 *
 * @example
 * const runner = new LocalAwsRunner({ clients, resources, handlers, clock, logger });
 * runner.start();
 * await runner.stop();
 */
export class LocalAwsRunner {
  private readonly stream: StreamPoller;
  private readonly delayQueue: QueuePoller;
  private readonly packInbox: QueuePoller;
  private readonly scheduler: SchedulerEmulator;
  /** Users' functions on subscription queues (attachConsumer), polled in every round after the stream. */
  private readonly consumers = new Set<QueuePoller>();
  private readonly idleMs: number;
  private loop: Promise<void> | undefined;
  /** Rounds run one at a time: two pollers sharing a shard iterator would hand the same records over twice. */
  private lastRound: Promise<unknown> = Promise.resolve();
  /** The write count at the start of the last round that found nothing to do. */
  private settledAtWrites = -1;
  private readonly stopping = new AbortController();

  public constructor(private readonly options: LocalAwsRunnerOptions) {
    const { clients, resources, handlers, clock, logger } = options;
    this.idleMs = options.idleMs ?? 100;
    this.stream = new StreamPoller(clients.dynamoTables, clients.streams, resources.logTable, handlers.relay, logger.child({ source: 'stream' }), {
      filters: options.relayFilters ?? [],
    });
    this.delayQueue = new QueuePoller(clients.sqs, resources.delayQueueUrl, resources.delayQueueArn, handlers.delayConsumer, logger.child({ source: 'delay-queue' }));
    this.packInbox = new QueuePoller(clients.sqs, resources.packInboxUrl, resources.packInboxArn, handlers.unpacker, logger.child({ source: 'pack-inbox' }));
    this.scheduler = new SchedulerEmulator(clients.scheduler, resources.scheduleGroup, clock, (arn, input) => this.deliverScheduled(arn, input), logger.child({ source: 'scheduler' }));
  }

  /** One round over every event source, after any round in progress; returns how much work it found. */
  public runOnce(): Promise<number> {
    const round = this.lastRound.then(() => this.round(), () => this.round());
    this.lastRound = round.catch(() => undefined);
    return round;
  }

  private async round(): Promise<number> {
    const writesBefore = this.options.activity?.writes ?? -1;
    const work = await this.pollAll();
    if (work === 0 && !this.stream.hasPending()) this.settledAtWrites = writesBefore;
    return work;
  }

  private async pollAll(): Promise<number> {
    const fired = await this.scheduler.fireDue();
    let released = 0;
    for (let batch = await this.delayQueue.pollOnce(0); batch > 0; batch = await this.delayQueue.pollOnce(0)) released += batch;
    const relayed = await this.stream.pollOnce();
    // The relay's packs reached the inbox within its PutEvents: the emulator delivers to rule targets synchronously.
    let unpacked = 0;
    for (let batch = await this.packInbox.pollOnce(0); batch > 0; batch = await this.packInbox.pollOnce(0)) unpacked += batch;
    let consumed = 0;
    for (const consumer of [...this.consumers]) {
      for (let batch = await consumer.pollOnce(0); batch > 0; batch = await consumer.pollOnce(0)) consumed += batch;
    }
    return fired + released + relayed + unpacked + consumed;
  }

  /**
   * Plays an SQS event source mapping with ReportBatchItemFailures for a
   * user's handler on a subscription queue: every round receives batches of
   * up to `batchSize` (waiting for none), invokes the handler with Lambda's
   * event and a local context, deletes what succeeded and leaves what it
   * reported failed (or the whole batch, when it threw) to come back after the
   * queue's visibility timeout, until SQS's redrive moves it to the dead-letter
   * queue. Answers a function that detaches it.
   *
   * @example
   * const detach = runner.attachConsumer({ queueUrl, queueArn, handler, batchSize: 10 });
   */
  public attachConsumer(consumer: LocalConsumer): () => void {
    const functionName = consumer.functionName ?? 'conveyor-consumer';
    const timeoutMs = consumer.timeoutMs ?? 30_000;
    const invoke: QueueHandler = async (records) =>
      (await consumer.handler({ Records: records }, localLambdaContext({ functionName, deadline: Date.now() + timeoutMs, region: consumer.queueArn.split(':')[3] ?? 'us-east-1' }))) ?? undefined;
    const poller = new QueuePoller(this.options.clients.sqs, consumer.queueUrl, consumer.queueArn, invoke, this.options.logger.child({ source: functionName }), {
      ...(consumer.batchSize === undefined ? {} : { batchSize: consumer.batchSize }),
    });
    this.consumers.add(poller);
    return () => {
      this.consumers.delete(poller);
    };
  }

  /**
   * Runs rounds until one finds nothing new: every published message has been
   * relayed, every due delay released. Returns at once when nothing was written
   * since the last settled round, unless `force` (say, after the clock moved).
   */
  public async settle(force = false, maxRounds = 50): Promise<void> {
    const activity = this.options.activity;
    if (!force && activity !== undefined && activity.writes === this.settledAtWrites) return;
    for (let round = 0; round < maxRounds; round += 1) {
      if ((await this.runOnce()) === 0 && !this.stream.hasPending()) return;
    }
    this.options.logger.warn({ maxRounds }, 'the local AWS runner did not settle');
  }

  public start(): void {
    this.loop ??= this.background();
  }

  public async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async background(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let work = 0;
      try {
        work = await this.runOnce();
      } catch (error) {
        this.options.logger.error({ err: error }, 'local AWS runner round failed; retrying');
      }
      if (work === 0 && !this.stopping.signal.aborted) await new Promise((resolve) => setTimeout(resolve, this.idleMs));
    }
  }

  private async deliverScheduled(targetArn: string, input: string): Promise<void> {
    if (targetArn === this.options.resources.scheduleTargetArn) {
      await this.options.handlers.scheduleTarget(JSON.parse(input));
      return;
    }
    const [, , service, , , resource] = targetArn.split(':');
    if (service !== 'sqs' || resource === undefined) throw new Error(`schedule target ${targetArn} is not emulated here`);
    const { QueueUrl } = await this.options.clients.sqs.send(new GetQueueUrlCommand({ QueueName: resource }));
    await this.options.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: input }));
  }
}
