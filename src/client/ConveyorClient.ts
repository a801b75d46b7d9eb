import createClient, { type Client } from 'openapi-fetch';
import { signingRegion, sigV4Signer } from './aws/sigV4Signer.js';
import { errorOfResponse } from './errors.js';
import type { paths } from './generated/openapi.js';
import { HttpTransport, type SendPolicy } from './HttpTransport.js';
import { RetryPolicy } from './RetryPolicy.js';
import { SubscriptionLoop, type MessageHandler, type SubscribeOptions, type Subscription } from './subscribe/SubscriptionLoop.js';
import type {
  AckResult,
  CommitOffsetsRequest,
  ConveyorClientOptions,
  DeadLetterList,
  DeadLetterQuery,
  DeadLetterSelection,
  DelayedList,
  DelayedQuery,
  DeletedDeadLetters,
  ExtendRequest,
  GroupState,
  Health,
  NackRequest,
  PublishMessage,
  PublishResponse,
  PullOptions,
  PullResponse,
  ReadQuery,
  ReadResponse,
  RedrivenDeadLetters,
  Schedule,
  ScheduleInput,
  ScheduleList,
  SeekRequest,
  SeekResponse,
  SubscriptionChanges,
  SubscriptionList,
  SubscriptionSettings,
  SubscriptionView,
  Topic,
  TopicDetails,
  TopicList,
  TopicSettings,
} from './types.js';

const DEFAULT_USER_AGENT = 'conveyor-client';
const REPEATABLE: SendPolicy = { repeatable: true };
const NOT_REPEATABLE: SendPolicy = { repeatable: false };

/** What openapi-fetch answers: the parsed body of a 2xx, or the error body, with the response. */
interface Answer {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * Conveyor's HTTP API, one typed method per operation of docs/openapi.yaml
 * (request and response types generated from it). Every answer outside 2xx
 * throws a ConveyorError. A 429 is retried first, honouring Retry-After. A
 * 503 or no answer at all may follow work done in part, so they are retried
 * only for requests that are safe to repeat: GET, PUT, DELETE and PATCH (but
 * a commit of group offsets), a publish whose every message has an `id`
 * (which dedup makes safe within the topic's dedup window), ack and extend.
 *
 * @example
 * const client = new ConveyorClient({ url: 'http://127.0.0.1:8080' });
 * await client.putTopic('orders', { partitions: 4 });
 * const { results } = await client.publish('orders', { id: 'order-1001', key: 'customer-7', body: { total: 42 } });
 * const subscription = client.subscribe('orders', 'billing', async (message) => charge(message.body));
 */
export class ConveyorClient {
  private readonly api: Client<paths>;
  private readonly transport: HttpTransport;
  /** The same client's retry settings, for the consumer loop's own backoff. */
  public readonly retry: RetryPolicy;

  public constructor(options: ConveyorClientOptions) {
    const baseUrl = URL.canParse(options.url) ? new URL(options.url) : undefined;
    if (baseUrl === undefined || (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:')) {
      throw new TypeError(`url must be an absolute http(s) URL, but ${JSON.stringify(options.url)} was provided`);
    }
    if (options.token !== undefined && options.aws !== undefined) throw new TypeError('token and aws are exclusive: API Gateway authorizes a request either by SigV4 (IAM) or by a bearer token (JWT)');
    this.retry = new RetryPolicy(options.retry);
    const aws = options.aws === true ? {} : options.aws;
    // Without a region, no request could be signed: say so now rather than at the first request.
    if (aws !== undefined) signingRegion(aws);
    this.transport = new HttpTransport({
      fetch: options.fetch ?? globalThis.fetch,
      retry: this.retry,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(aws === undefined ? {} : { signer: () => sigV4Signer(aws) }),
    });
    this.api = createClient<paths>({
      baseUrl: baseUrl.href.replace(/\/+$/, ''),
      fetch: (request) => this.transport.send(request, policyOf(request.method)),
    });
  }

  // ---------------------------------------------------------------- topics

  public async listTopics(): Promise<TopicList> {
    return unwrap('GET', await this.api.GET('/v1/topics'));
  }

  public async putTopic(name: string, settings?: TopicSettings): Promise<Topic> {
    return unwrap('PUT', await this.api.PUT('/v1/topics/{topic}', { params: { path: { topic: name } }, ...(settings === undefined ? {} : { body: settings }) }));
  }

  public async getTopic(name: string): Promise<TopicDetails> {
    return unwrap('GET', await this.api.GET('/v1/topics/{topic}', { params: { path: { topic: name } } }));
  }

  public async deleteTopic(name: string): Promise<void> {
    noContent('DELETE', await this.api.DELETE('/v1/topics/{topic}', { params: { path: { topic: name } } }));
  }

  // -------------------------------------------------------------- messages

  /**
   * Publishes one message or up to 500. After a 503 or without an answer it
   * is sent again only when every message has an `id`: part of it may have
   * been stored, and dedup makes the repeat safe within the topic's dedup
   * window (not at all with `dedupWindowSeconds` 0).
   */
  public async publish(topic: string, messages: PublishMessage | readonly PublishMessage[]): Promise<PublishResponse> {
    const list = Array.isArray(messages) ? [...(messages as readonly PublishMessage[])] : [messages as PublishMessage];
    const policy = list.length > 0 && list.every((message) => typeof message.id === 'string' && message.id !== '') ? REPEATABLE : NOT_REPEATABLE;
    const answer = await this.api.POST('/v1/topics/{topic}/messages', { params: { path: { topic } }, body: { messages: list }, fetch: this.sendAs(policy) });
    return unwrap('POST', answer);
  }

  public async readMessages(topic: string, partition: number, query: ReadQuery = {}): Promise<ReadResponse> {
    return unwrap('GET', await this.api.GET('/v1/topics/{topic}/partitions/{partition}/messages', { params: { path: { topic, partition }, query } }));
  }

  // ------------------------------------------------------- consumer groups

  public async getGroup(topic: string, group: string): Promise<GroupState> {
    return unwrap('GET', await this.api.GET('/v1/topics/{topic}/groups/{group}', { params: { path: { topic, group } } }));
  }

  /** Not sent again after a 503 or without an answer: another member of the group may have committed further meanwhile. */
  public async commitGroupOffsets(topic: string, group: string, body: CommitOffsetsRequest): Promise<GroupState> {
    return unwrap('PUT', await this.api.PUT('/v1/topics/{topic}/groups/{group}/offsets', { params: { path: { topic, group } }, body, fetch: this.sendAs(NOT_REPEATABLE) }));
  }

  // --------------------------------------------------------- subscriptions

  public async listSubscriptions(topic: string): Promise<SubscriptionList> {
    return unwrap('GET', await this.api.GET('/v1/topics/{topic}/subscriptions', { params: { path: { topic } } }));
  }

  public async putSubscription(topic: string, name: string, settings?: SubscriptionSettings): Promise<SubscriptionView> {
    const answer = await this.api.PUT('/v1/topics/{topic}/subscriptions/{subscription}', { params: { path: { topic, subscription: name } }, ...(settings === undefined ? {} : { body: settings }) });
    return unwrap('PUT', answer);
  }

  public async getSubscription(topic: string, name: string): Promise<SubscriptionView> {
    return unwrap('GET', await this.api.GET('/v1/topics/{topic}/subscriptions/{subscription}', { params: { path: { topic, subscription: name } } }));
  }

  /** Changes what may change while messages wait and are leased (ackDeadlineSeconds, maxDeliveries, retryBackoff, deadLetterAlarm). */
  public async updateSubscription(topic: string, name: string, changes: SubscriptionChanges): Promise<SubscriptionView> {
    return unwrap('PATCH', await this.api.PATCH('/v1/topics/{topic}/subscriptions/{subscription}', { params: { path: { topic, subscription: name } }, body: changes }));
  }

  public async deleteSubscription(topic: string, name: string): Promise<void> {
    noContent('DELETE', await this.api.DELETE('/v1/topics/{topic}/subscriptions/{subscription}', { params: { path: { topic, subscription: name } } }));
  }

  // -------------------------------------------------------------- delivery

  /** Leases up to `max` messages, long-polling `waitSeconds`; `signal` cuts a long-poll short (nothing stays leased). */
  public async pull(topic: string, subscription: string, options: PullOptions & { readonly signal?: AbortSignal } = {}): Promise<PullResponse> {
    const { signal, ...body } = options;
    const answer = await this.api.POST('/v1/topics/{topic}/subscriptions/{subscription}/pull', { params: { path: { topic, subscription } }, body, ...(signal === undefined ? {} : { signal }) });
    return unwrap('POST', answer);
  }

  /** Acking the same ack ids twice does no harm: sent again after a 503 or without an answer. */
  public async ack(topic: string, subscription: string, ackIds: readonly string[]): Promise<AckResult> {
    const answer = await this.api.POST('/v1/topics/{topic}/subscriptions/{subscription}/ack', { params: { path: { topic, subscription } }, body: { ackIds: [...ackIds] }, fetch: this.sendAs(REPEATABLE) });
    return unwrap('POST', answer);
  }

  /** Gives leased messages back: `{ ackIds, delaySeconds?, reason? }`. */
  public async nack(topic: string, subscription: string, items: NackRequest): Promise<AckResult> {
    return unwrap('POST', await this.api.POST('/v1/topics/{topic}/subscriptions/{subscription}/nack', { params: { path: { topic, subscription } }, body: items }));
  }

  /** Sets the leases' ends `seconds` from now: `{ ackIds, seconds }`. Sent again after a 503 or without an answer, as an ack is. */
  public async extend(topic: string, subscription: string, items: ExtendRequest): Promise<AckResult> {
    const answer = await this.api.POST('/v1/topics/{topic}/subscriptions/{subscription}/extend', { params: { path: { topic, subscription } }, body: items, fetch: this.sendAs(REPEATABLE) });
    return unwrap('POST', answer);
  }

  public async seek(topic: string, subscription: string, body: SeekRequest): Promise<SeekResponse> {
    return unwrap('POST', await this.api.POST('/v1/topics/{topic}/subscriptions/{subscription}/seek', { params: { path: { topic, subscription } }, body }));
  }

  // ---------------------------------------------------------- dead letters

  public async listDeadLetters(topic: string, subscription: string, query: DeadLetterQuery = {}): Promise<DeadLetterList> {
    return unwrap('GET', await this.api.GET('/v1/topics/{topic}/subscriptions/{subscription}/dead-letters', { params: { path: { topic, subscription }, query } }));
  }

  public async deleteDeadLetters(topic: string, subscription: string, body: DeadLetterSelection = {}): Promise<DeletedDeadLetters> {
    return unwrap('DELETE', await this.api.DELETE('/v1/topics/{topic}/subscriptions/{subscription}/dead-letters', { params: { path: { topic, subscription } }, body }));
  }

  public async redriveDeadLetters(topic: string, subscription: string, body: DeadLetterSelection = {}): Promise<RedrivenDeadLetters> {
    return unwrap('POST', await this.api.POST('/v1/topics/{topic}/subscriptions/{subscription}/dead-letters/redrive', { params: { path: { topic, subscription } }, body }));
  }

  // ------------------------------------------------------ delayed messages

  /** The topic's messages waiting for their delivery time, soonest due first; page with `cursor: nextCursor`. */
  public async listDelayed(topic: string, query: DelayedQuery = {}): Promise<DelayedList> {
    return unwrap('GET', await this.api.GET('/v1/topics/{topic}/delayed', { params: { path: { topic }, query } }));
  }

  /** Cancels the waiting message with this id; `DelayedMessageNotFound` (404) when none waits (released already, cancelled by an earlier attempt whose answer was lost, or unknown). */
  public async cancelDelayed(topic: string, id: string): Promise<void> {
    noContent('DELETE', await this.api.DELETE('/v1/topics/{topic}/delayed/{id}', { params: { path: { topic, id } } }));
  }

  // ------------------------------------------------------------- schedules

  public async listSchedules(): Promise<ScheduleList> {
    return unwrap('GET', await this.api.GET('/v1/schedules'));
  }

  public async putSchedule(name: string, body: ScheduleInput): Promise<Schedule> {
    return unwrap('PUT', await this.api.PUT('/v1/schedules/{schedule}', { params: { path: { schedule: name } }, body }));
  }

  public async getSchedule(name: string): Promise<Schedule> {
    return unwrap('GET', await this.api.GET('/v1/schedules/{schedule}', { params: { path: { schedule: name } } }));
  }

  public async deleteSchedule(name: string): Promise<void> {
    noContent('DELETE', await this.api.DELETE('/v1/schedules/{schedule}', { params: { path: { schedule: name } } }));
  }

  // ------------------------------------------------------------ operations

  public async health(): Promise<Health> {
    return unwrap('GET', await this.api.GET('/healthz'));
  }

  /** The Prometheus text exposition. */
  public async metrics(): Promise<string> {
    return unwrap('GET', await this.api.GET('/metrics', { parseAs: 'text' }));
  }

  // ---------------------------------------------------------- consumer loop

  /**
   * Consumes the subscription until `close()`: pulls with long polling, runs
   * `handler` on each message (up to `concurrency` at once, messages of one
   * key one after another on an ordered subscription), acks what it
   * finished and nacks what threw, with the error's message as the reason,
   * and extends the leases of messages still in hand.
   */
  public subscribe(topic: string, subscription: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    return SubscriptionLoop.start(this, { topic, subscription }, handler, options);
  }

  /** A fetch for one request that is repeatable, or not, whatever its method. */
  private sendAs(policy: SendPolicy): (request: Request) => Promise<Response> {
    return (request) => this.transport.send(request, policy);
  }
}

/**
 * GET, PUT, DELETE and PATCH are repeatable; a POST is not (a pull, a nack, a
 * seek, a redrive). Publish, ack, extend and the commit of offsets decide for themselves.
 */
function policyOf(method: string): SendPolicy {
  return method === 'GET' || method === 'PUT' || method === 'DELETE' || method === 'PATCH' ? REPEATABLE : NOT_REPEATABLE;
}

/** The body of a 2xx answer; any other answer throws its ConveyorError. */
function unwrap<A extends Answer>(method: string, answer: A): NonNullable<A['data']> {
  if (answer.error !== undefined || !answer.response.ok) throw errorOfResponse(answer.response, answer.error, method);
  return answer.data as NonNullable<A['data']>;
}

function noContent(method: string, answer: Answer): void {
  if (answer.error !== undefined || !answer.response.ok) throw errorOfResponse(answer.response, answer.error, method);
}
