import type { AwsSigningOptions } from './aws/sigV4Signer.js';
import type { components, operations } from './generated/openapi.js';
import type { RetryOptions } from './RetryPolicy.js';

type Schemas = components['schemas'];

/** The JSON body of an operation's answer with `status`. */
type JsonOf<Operation extends keyof operations, Status extends number> = operations[Operation]['responses'] extends Record<Status, { content: { 'application/json': infer Body } }> ? Body : never;
/** The JSON body an operation takes. */
type RequestOf<Operation extends keyof operations> = operations[Operation] extends { requestBody?: { content: { 'application/json': infer Body } } } ? Body : never;

export interface ConveyorClientOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:8080` or the API Gateway stage's URL; a trailing slash is tolerated. */
  readonly url: string;
  /** Bearer token: one of the embedded server's tokens, or a JWT on AWS. */
  readonly token?: string;
  /** Sign every request with SigV4 (service `execute-api`) for the AWS backend's IAM authorizer. */
  readonly aws?: true | AwsSigningOptions;
  /** Retries of 429 answers, and of 503 answers and unanswered requests where repeating is safe. */
  readonly retry?: RetryOptions;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default 'conveyor-client/<version>' */
  readonly userAgent?: string;
}

export type Topic = Schemas['Topic'];
export type TopicDetails = Schemas['TopicDetails'];
export type TopicSettings = Schemas['TopicSettingsInput'];
export type TopicList = JsonOf<'listTopics', 200>;

export type PublishMessage = Schemas['OutgoingMessage'];
export type PublishResult = Schemas['PublishResult'];
export type ImmediatePublishResult = Schemas['ImmediatePublishResult'];
export type DelayedPublishResult = Schemas['DelayedPublishResult'];
export type PublishResponse = JsonOf<'publishMessages', 200>;
export type Message = Schemas['Message'];
export type ReadQuery = NonNullable<operations['readMessages']['parameters']['query']>;
export type ReadResponse = JsonOf<'readMessages', 200>;

export type GroupState = Schemas['GroupState'];
export type CommitOffsetsRequest = Schemas['CommitOffsetsRequest'];

/** A subscription with its settings and stats, as the API describes it. */
export type SubscriptionView = Schemas['Subscription'];
export type SubscriptionSettings = Schemas['SubscriptionSettingsInput'];
export type SubscriptionChanges = Schemas['SubscriptionChangesInput'];
export type SubscriptionList = JsonOf<'listSubscriptions', 200>;

export type PullOptions = Schemas['PullRequest'];
export type PullResponse = JsonOf<'pullMessages', 200>;
export type Delivery = Schemas['Delivery'];
export type AckResult = Schemas['AckResult'];
export type NackRequest = RequestOf<'nackMessages'>;
export type ExtendRequest = RequestOf<'extendLeases'>;
export type SeekRequest = Schemas['SeekRequest'];
export type SeekResponse = JsonOf<'seekSubscription', 200>;

export type DeadLetter = Schemas['DeadLetter'];
export type DeadLetterQuery = NonNullable<operations['listDeadLetters']['parameters']['query']>;
export type DeadLetterList = JsonOf<'listDeadLetters', 200>;
export type DeadLetterSelection = Schemas['DeadLetterSelection'];
export type DeletedDeadLetters = JsonOf<'deleteDeadLetters', 200>;
export type RedrivenDeadLetters = JsonOf<'redriveDeadLetters', 200>;

export type DelayedMessage = Schemas['DelayedMessage'];
export type DelayedQuery = NonNullable<operations['listDelayed']['parameters']['query']>;
export type DelayedList = JsonOf<'listDelayed', 200>;

export type Schedule = Schemas['Schedule'];
export type ScheduleInput = Schemas['ScheduleInput'];
export type ScheduleList = JsonOf<'listSchedules', 200>;

export type Health = JsonOf<'getHealth', 200>;
