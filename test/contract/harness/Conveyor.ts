import type {
  AckResult,
  DeadLetter,
  DelayedPage,
  Delivery,
  ExternalQueues,
  GroupPartitionLag,
  Json,
  Message,
  PartitionStats,
  PublishResult,
  Schedule,
  Subscription,
  SubscriptionStats,
  Topic,
} from '../../../src/domain/types.js';
import type { ApiClient, ApiResponse } from './ApiClient.js';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}
export type TopicView = Topic & { readonly stats?: { readonly partitions: PartitionStats[]; readonly delayed: number } };
/** A subscription as the API shows it; `aws` (where outside consumers attach) on the AWS backend only. */
export type SubscriptionView = Subscription & ExternalQueues & { readonly stats: SubscriptionStats };
export interface PublishInput {
  readonly body: Json;
  readonly key?: string;
  readonly attributes?: Record<string, string>;
  readonly id?: string;
  readonly delaySeconds?: number;
  readonly deliverAt?: string;
}
export interface GroupView {
  readonly topic: string;
  readonly group: string;
  readonly partitions: GroupPartitionLag[];
}

const enc = encodeURIComponent;
const sub = (topic: string, name: string): string => `/v1/topics/${enc(topic)}/subscriptions/${enc(name)}`;

/**
 * The API as the contract suite speaks it: one typed method per operation. Bodies
 * are passed through untouched, so tests can also send invalid ones.
 */
export class Conveyor {
  public constructor(public readonly http: ApiClient) {}

  public createTopic(name: string, settings?: object): Promise<ApiResponse<TopicView & ErrorBody>> {
    return this.http.put(`/v1/topics/${enc(name)}`, settings);
  }
  public getTopic(name: string): Promise<ApiResponse<TopicView & ErrorBody>> {
    return this.http.get(`/v1/topics/${enc(name)}`);
  }
  public listTopics(): Promise<ApiResponse<{ topics: Topic[] }>> {
    return this.http.get('/v1/topics');
  }
  public deleteTopic(name: string): Promise<ApiResponse<ErrorBody | string>> {
    return this.http.delete(`/v1/topics/${enc(name)}`);
  }

  public publish(topic: string, messages: readonly PublishInput[] | unknown): Promise<ApiResponse<{ results: PublishResult[] } & ErrorBody>> {
    return this.http.post(`/v1/topics/${enc(topic)}/messages`, { messages });
  }
  public listDelayed(topic: string, query = ''): Promise<ApiResponse<DelayedPage & ErrorBody>> {
    return this.http.get(`/v1/topics/${enc(topic)}/delayed${query === '' ? '' : `?${query}`}`);
  }
  public cancelDelayed(topic: string, id: string): Promise<ApiResponse<ErrorBody | string>> {
    return this.http.delete(`/v1/topics/${enc(topic)}/delayed/${enc(id)}`);
  }
  public read(topic: string, partition: number | string, query = ''): Promise<ApiResponse<{ messages: Message[]; nextOffset: number } & ErrorBody>> {
    return this.http.get(`/v1/topics/${enc(topic)}/partitions/${partition}/messages${query === '' ? '' : `?${query}`}`);
  }
  public commitOffsets(topic: string, group: string, offsets: unknown): Promise<ApiResponse<GroupView & ErrorBody>> {
    return this.http.put(`/v1/topics/${enc(topic)}/groups/${enc(group)}/offsets`, { offsets });
  }
  public getGroup(topic: string, group: string): Promise<ApiResponse<GroupView & ErrorBody>> {
    return this.http.get(`/v1/topics/${enc(topic)}/groups/${enc(group)}`);
  }

  public createSubscription(topic: string, name: string, settings?: object): Promise<ApiResponse<SubscriptionView & ErrorBody>> {
    return this.http.put(sub(topic, name), settings);
  }
  public getSubscription(topic: string, name: string): Promise<ApiResponse<SubscriptionView & ErrorBody>> {
    return this.http.get(sub(topic, name));
  }
  public listSubscriptions(topic: string): Promise<ApiResponse<{ subscriptions: SubscriptionView[] } & ErrorBody>> {
    return this.http.get(`/v1/topics/${enc(topic)}/subscriptions`);
  }
  public updateSubscription(topic: string, name: string, changes: unknown): Promise<ApiResponse<SubscriptionView & ErrorBody>> {
    return this.http.patch(sub(topic, name), changes);
  }
  public deleteSubscription(topic: string, name: string): Promise<ApiResponse<ErrorBody | string>> {
    return this.http.delete(sub(topic, name));
  }

  public pull(
    topic: string,
    name: string,
    options?: { max?: number; waitSeconds?: number; ackIds?: readonly string[] },
  ): Promise<ApiResponse<{ messages: Delivery[]; ack?: AckResult } & ErrorBody>> {
    return this.http.post(`${sub(topic, name)}/pull`, options ?? {});
  }
  public ack(topic: string, name: string, ackIds: readonly string[]): Promise<ApiResponse<AckResult & ErrorBody>> {
    return this.http.post(`${sub(topic, name)}/ack`, { ackIds });
  }
  public nack(topic: string, name: string, ackIds: readonly string[], extra?: { delaySeconds?: number; reason?: string }): Promise<ApiResponse<AckResult & ErrorBody>> {
    return this.http.post(`${sub(topic, name)}/nack`, { ackIds, ...extra });
  }
  public extend(topic: string, name: string, ackIds: readonly string[], seconds: number): Promise<ApiResponse<AckResult & ErrorBody>> {
    return this.http.post(`${sub(topic, name)}/extend`, { ackIds, seconds });
  }
  public seek(topic: string, name: string, time: string): Promise<ApiResponse<{ requeued: number } & ErrorBody>> {
    return this.http.post(`${sub(topic, name)}/seek`, { time });
  }
  public deadLetters(topic: string, name: string, limit?: number): Promise<ApiResponse<{ messages: DeadLetter[] } & ErrorBody>> {
    return this.http.get(`${sub(topic, name)}/dead-letters${limit === undefined ? '' : `?limit=${limit}`}`);
  }
  public redrive(topic: string, name: string, ids?: readonly string[]): Promise<ApiResponse<{ redriven: number } & ErrorBody>> {
    return this.http.post(`${sub(topic, name)}/dead-letters/redrive`, ids === undefined ? {} : { ids });
  }
  public deleteDeadLetters(topic: string, name: string, ids?: readonly string[]): Promise<ApiResponse<{ deleted: number } & ErrorBody>> {
    return this.http.delete(`${sub(topic, name)}/dead-letters`, ids === undefined ? {} : { ids });
  }

  public putSchedule(name: string, body: unknown): Promise<ApiResponse<Schedule & ErrorBody>> {
    return this.http.put(`/v1/schedules/${enc(name)}`, body);
  }
  public getSchedule(name: string): Promise<ApiResponse<Schedule & ErrorBody>> {
    return this.http.get(`/v1/schedules/${enc(name)}`);
  }
  public listSchedules(): Promise<ApiResponse<{ schedules: Schedule[] }>> {
    return this.http.get('/v1/schedules');
  }
  public deleteSchedule(name: string): Promise<ApiResponse<ErrorBody | string>> {
    return this.http.delete(`/v1/schedules/${enc(name)}`);
  }
}
