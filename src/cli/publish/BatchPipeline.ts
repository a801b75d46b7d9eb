import type { Batch } from './Batcher.js';

/** What the API's answer to one publish request says, as far as counting goes. */
export interface BatchOutcome {
  /** Messages whose id the topic had already seen within its dedup window (an earlier attempt that did arrive, or a re-run). */
  readonly duplicates: number;
}

/** Sends one batch as a publish request; the client's retries happen inside. */
export type SendBatch = (batch: Batch) => Promise<BatchOutcome>;

export interface PublishTotals {
  readonly messages: number;
  readonly duplicates: number;
  readonly requests: number;
  readonly inputBytes: number;
  readonly requestBytes: number;
  /** Every input line up to this one is published (0: none yet); past it, some batches may be. */
  readonly publishedThroughLine: number;
}

/** Publishing stopped: a batch was refused or could not be sent, or the input broke off. What was published until then is in `totals`. */
export class PublishStopped extends Error {
  public constructor(
    public readonly reason: unknown,
    public readonly totals: PublishTotals,
    /** The batch that failed; undefined when the input did. */
    public readonly batch?: Batch,
  ) {
    super(reason instanceof Error ? reason.message : String(reason), { cause: reason });
  }
}

/**
 * Publishes batches with up to `inFlight` requests at once, in the order the
 * batches come. A batch is sent once (the client retries it with the same
 * message ids); when one fails, no further batch is sent, the ones in flight
 * finish, and `run` throws PublishStopped with the totals. Batches may commit
 * out of order when more than one is in flight, so messages of one key in
 * different batches can be appended out of input order; `inFlight` 1 keeps it.
 *
 * @example
 * const pipeline = new BatchPipeline(send, 4, (batch, outcome) => progress.published(batch));
 * const totals = await pipeline.run(batches);
 */
export class BatchPipeline {
  private messages = 0;
  private duplicates = 0;
  private requests = 0;
  private inputBytes = 0;
  private requestBytes = 0;
  /** Sequences of published batches past the contiguous prefix, and the line that prefix ends at. */
  private readonly publishedAhead = new Map<number, number>();
  private nextSequence = 0;
  private publishedThroughLine = 0;

  public constructor(
    private readonly send: SendBatch,
    private readonly inFlight: number,
    private readonly onPublished: (batch: Batch, outcome: BatchOutcome) => void = () => undefined,
  ) {}

  /** Publishes every batch of `batches`; stops taking new ones once `signal` aborts (the totals say how far it got). */
  public async run(batches: AsyncIterable<Batch>, signal?: AbortSignal): Promise<PublishTotals> {
    const running = new Set<Promise<void>>();
    let failure: { readonly batch?: Batch; readonly reason: unknown } | undefined;
    try {
      for await (const batch of batches) {
        while (running.size >= this.inFlight && failure === undefined) await Promise.race(running);
        if (failure !== undefined || signal?.aborted === true) break;
        const task: Promise<void> = this.send(batch)
          .then((outcome) => this.count(batch, outcome))
          .catch((reason: unknown) => {
            failure ??= { batch, reason };
          })
          .finally(() => running.delete(task));
        running.add(task);
      }
    } catch (reason) {
      failure ??= { reason };
    }
    await Promise.all(running);
    if (failure !== undefined) throw new PublishStopped(failure.reason, this.totals, failure.batch);
    return this.totals;
  }

  public get totals(): PublishTotals {
    return {
      messages: this.messages,
      duplicates: this.duplicates,
      requests: this.requests,
      inputBytes: this.inputBytes,
      requestBytes: this.requestBytes,
      publishedThroughLine: this.publishedThroughLine,
    };
  }

  private count(batch: Batch, outcome: BatchOutcome): void {
    this.messages += batch.messages.length;
    this.duplicates += outcome.duplicates;
    this.requests += 1;
    this.inputBytes += batch.inputBytes;
    this.requestBytes += batch.requestBytes;
    this.publishedAhead.set(batch.sequence, batch.lastLine);
    for (let line = this.publishedAhead.get(this.nextSequence); line !== undefined; line = this.publishedAhead.get(this.nextSequence)) {
      this.publishedAhead.delete(this.nextSequence);
      this.publishedThroughLine = line;
      this.nextSequence += 1;
    }
    this.onPublished(batch, outcome);
  }
}
