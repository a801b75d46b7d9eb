import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { StorageError, SubscriptionNotFoundError } from '../../../domain/errors.js';
import type { AwsSubscriptionQueues, Subscription } from '../../../domain/types.js';
import { awsErrorName, callAws, translateAwsError } from '../awsErrors.js';
import type { PartialRetryOptions } from '../batches.js';
import { subscriptionResourceNames } from '../names.js';
import { SqsQueue } from './SqsQueue.js';

/** A subscription's work queue and its dead-letter queue. */
export interface SubscriptionQueuePair {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
}

type SubscriptionRef = Pick<Subscription, 'topic' | 'name' | 'createdAt' | 'ordered'>;

/** How long a subscription queue may be missing before what is sent to it is dropped: SQS can answer a new queue's name as unknown for a while. */
export const MISSING_QUEUE_GRACE_MS = 60_000;

/**
 * Queue names to URLs and ARNs (GetQueueUrl, GetQueueAttributes), cached for
 * the life of the process: a name belongs to one subscription incarnation and
 * is never reused, so a cached URL is wrong only once its queue is deleted.
 *
 * @example
 * const directory = new QueueDirectory(clients.sqs, resources.resourcePrefix);
 * const { queue, deadLetterQueue } = await directory.subscriptionQueues(subscription);
 */
export class QueueDirectory {
  private readonly urls = new Map<string, Promise<string | null>>();
  private readonly arns = new Map<string, string>();

  public constructor(
    private readonly sqs: SQSClient,
    public readonly prefix: string,
    private readonly retry: PartialRetryOptions = {},
  ) {}

  /** Both queues of the subscription; SubscriptionNotFound when either does not exist. */
  public async subscriptionQueues(subscription: SubscriptionRef): Promise<SubscriptionQueuePair> {
    const names = subscriptionResourceNames(this.prefix, subscription);
    const [queueUrl, deadLetterUrl] = await Promise.all([this.url(names.queue), this.url(names.deadLetterQueue)]);
    const missing = (): SubscriptionNotFoundError => {
      this.forget(names.queue);
      this.forget(names.deadLetterQueue);
      return new SubscriptionNotFoundError(subscription.topic, subscription.name);
    };
    if (queueUrl === null || deadLetterUrl === null) throw missing();
    return {
      queue: new SqsQueue(this.sqs, queueUrl, subscription.ordered, missing, this.retry),
      deadLetterQueue: new SqsQueue(this.sqs, deadLetterUrl, subscription.ordered, missing, this.retry),
    };
  }

  /**
   * ARN and URL of the subscription's queue and the ARN of its dead-letter
   * queue, as SQS answers them (cached like every URL and ARN here);
   * SubscriptionNotFound when either queue does not exist.
   */
  public async addresses(subscription: SubscriptionRef): Promise<AwsSubscriptionQueues> {
    const names = subscriptionResourceNames(this.prefix, subscription);
    const { queue, deadLetterQueue } = await this.subscriptionQueues(subscription);
    const [queueArn, deadLetterQueueArn] = await Promise.all([this.arn(names.queue, queue.url), this.arn(names.deadLetterQueue, deadLetterQueue.url)]);
    return { queueArn, queueUrl: queue.url, deadLetterQueueArn };
  }

  /** The queue's URL, or null when it does not exist. */
  public url(name: string): Promise<string | null> {
    let url = this.urls.get(name);
    if (url === undefined) {
      url = this.lookUp(name);
      this.urls.set(name, url);
      // A lookup that failed (or found nothing) is not remembered: the queue may come.
      url.then(
        (found) => found === null && this.urls.delete(name),
        () => this.urls.delete(name),
      );
    }
    return url;
  }

  public async arn(name: string, url: string): Promise<string> {
    const cached = this.arns.get(name);
    if (cached !== undefined) return cached;
    const answer = await callAws('read a queue ARN', () => this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })));
    const arn = answer.Attributes?.QueueArn;
    if (arn === undefined) throw new StorageError(`SQS answered no QueueArn for queue ${JSON.stringify(name)}`);
    this.arns.set(name, arn);
    return arn;
  }

  /** Records a URL CreateQueue answered. */
  public remember(name: string, url: string): void {
    this.urls.set(name, Promise.resolve(url));
  }

  public forget(name: string): void {
    this.urls.delete(name);
    this.arns.delete(name);
  }

  private async lookUp(name: string): Promise<string | null> {
    try {
      const answer = await this.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      return answer.QueueUrl ?? null;
    } catch (error) {
      const code = awsErrorName(error);
      if (code === 'QueueDoesNotExist' || code === 'AWS.SimpleQueueService.NonExistentQueue') return null;
      throw translateAwsError(error, 'look up a queue');
    }
  }
}
