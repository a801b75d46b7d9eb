import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { Logger } from 'pino';
import type { Broker } from '../broker/Broker.js';
import type { SubscriptionDescription } from '../broker/SubscriptionAdmin.js';
import { ConflictError, ConveyorError, ErrorCode, InvalidRequestError } from '../domain/errors.js';
import type { SubscriptionSettings } from '../domain/types.js';
import { STATUS_BY_CODE } from '../http/errorStatus.js';
import { checkSchedule, checkSubscription, checkTopic, DeclaredType } from './declarations.js';
import { physicalIdOf, resourceOfPhysicalId, type DeclaredResource } from './physicalIds.js';

/** The properties the constructs give each custom resource. CloudFormation passes every value as a string. */
export interface DeclaredProperties {
  /** The topic's, subscription's or schedule's name. */
  readonly Name: string;
  /** A subscription's topic. */
  readonly Topic?: string;
  /** The settings as JSON (CloudFormation would turn numbers and booleans into strings). */
  readonly Settings: string;
}

/** What the Provider framework's onEvent handler answers. */
export interface ProviderResponse {
  readonly PhysicalResourceId: string;
  /** `Fn::GetAtt` attributes: a subscription's QueueArn, QueueUrl and DeadLetterQueueArn. */
  readonly Data?: Readonly<Record<string, string>>;
}

/** A failure of the PATCH a subscription's update became, so the deployment's error names that request. */
class PatchFailure extends Error {
  public constructor(public readonly error: unknown) {
    super('PATCH failed', { cause: error });
  }
}

/** Answers of the broker that a delete treats as done: what it would delete is gone already. */
const GONE: ReadonlySet<string> = new Set([ErrorCode.TopicNotFound, ErrorCode.SubscriptionNotFound, ErrorCode.ScheduleNotFound]);

/**
 * The onEvent handler of the custom resources behind `conveyor/cdk`'s declared
 * topics, subscriptions and schedules. It calls the broker exactly as the HTTP
 * API's PUT and DELETE do, so a declared resource and one created through the
 * API are the same thing:
 * - Create and Update are the API's PUT: the same settings again succeed (an
 *   API-created resource is adopted), settings the API refuses fail the
 *   deployment with the API's message (a changed partition count: 409
 *   Conflict). A schedule's PUT replaces it. A subscription that exists with
 *   other settings is changed as the API's PATCH changes it: the settings that
 *   can change take the declared values, a changed filter, ordered or
 *   startFrom fails with the PATCH's 409 naming it, and nothing changes.
 * - A changed name answers a new physical id: CloudFormation then deletes the
 *   old resource, unless its removal policy retains it.
 * - Delete is the API's DELETE; what is gone already counts as deleted, so a
 *   repeated delete succeeds. (Retained resources never get one: CloudFormation
 *   skips them.)
 *
 * @example
 * const provider = new DeclaredResourceHandler(broker, logger);
 * await provider.handle(event); // { PhysicalResourceId: 'topics/orders/subscriptions/billing', Data: { QueueArn, QueueUrl, DeadLetterQueueArn } }
 */
export class DeclaredResourceHandler {
  public constructor(
    private readonly broker: Broker,
    private readonly logger?: Logger,
  ) {}

  public async handle(event: CloudFormationCustomResourceEvent<DeclaredProperties>): Promise<ProviderResponse> {
    const properties = event.ResourceProperties;
    this.logger?.info({ requestType: event.RequestType, resourceType: event.ResourceType, logicalId: event.LogicalResourceId }, 'declared resource event');
    try {
      if (event.RequestType === 'Delete') return await this.delete(event.PhysicalResourceId);
      return await this.put(event.ResourceType, properties);
    } catch (error) {
      throw this.failure(event, properties, error);
    }
  }

  private async put(type: string, properties: DeclaredProperties): Promise<ProviderResponse> {
    const settings = parseSettings(properties.Settings);
    switch (type) {
      case DeclaredType.Topic: {
        await this.broker.topics.create(properties.Name, checkTopic(properties.Name, settings));
        return { PhysicalResourceId: physicalIdOf({ type, name: properties.Name }) };
      }
      case DeclaredType.Subscription: {
        const topic = properties.Topic ?? '';
        const subscription = await this.putSubscription(topic, properties.Name, checkSubscription(topic, properties.Name, settings));
        if (subscription.aws === undefined) throw new InvalidRequestError(`the ${this.broker.backend.name} backend has no queues to return; declared subscriptions need the AWS backend`);
        const { queueArn, queueUrl, deadLetterQueueArn } = subscription.aws;
        return { PhysicalResourceId: physicalIdOf({ type, topic, name: properties.Name }), Data: { QueueArn: queueArn, QueueUrl: queueUrl, DeadLetterQueueArn: deadLetterQueueArn } };
      }
      case DeclaredType.Schedule: {
        await this.broker.schedules.put(properties.Name, checkSchedule(properties.Name, settings));
        return { PhysicalResourceId: physicalIdOf({ type, name: properties.Name }) };
      }
      default:
        throw new InvalidRequestError(`resource type ${JSON.stringify(type)} is none of ${Object.values(DeclaredType).join(', ')}`);
    }
  }

  /** The API's PUT, and when the subscription exists with other settings, the API's PATCH with the declared ones. */
  private async putSubscription(topic: string, name: string, settings: SubscriptionSettings): Promise<SubscriptionDescription> {
    try {
      return (await this.broker.subscriptions.create(topic, name, settings)).subscription;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
    try {
      return await this.broker.subscriptions.update(topic, name, settings);
    } catch (error) {
      throw new PatchFailure(error);
    }
  }

  private async delete(physicalId: string): Promise<ProviderResponse> {
    const resource = resourceOfPhysicalId(physicalId);
    // Not an id this handler answered (the framework's marker of a failed create): there is nothing to delete.
    if (resource === null) return { PhysicalResourceId: physicalId };
    try {
      await this.deleteResource(resource);
    } catch (error) {
      if (!(error instanceof ConveyorError && GONE.has(error.code))) throw error;
    }
    return { PhysicalResourceId: physicalId };
  }

  private deleteResource(resource: DeclaredResource): Promise<void> {
    switch (resource.type) {
      case DeclaredType.Topic:
        return this.broker.topics.delete(resource.name);
      case DeclaredType.Subscription:
        return this.broker.subscriptions.delete(resource.topic, resource.name);
      case DeclaredType.Schedule:
        return this.broker.schedules.delete(resource.name);
    }
  }

  /**
   * The error CloudFormation shows for a failed event: the API's answer to the
   * same request, status and code first, so a refused update reads like the
   * refused PUT it is.
   */
  private failure(event: CloudFormationCustomResourceEvent<DeclaredProperties>, properties: DeclaredProperties, thrown: unknown): Error {
    const method = event.RequestType === 'Delete' ? 'DELETE' : thrown instanceof PatchFailure ? 'PATCH' : 'PUT';
    const error = thrown instanceof PatchFailure ? thrown.error : thrown;
    const request = `${method} /v1/${event.RequestType === 'Delete' ? event.PhysicalResourceId : requestedPath(event.ResourceType, properties)}`;
    this.logger?.error({ err: error, request }, 'declared resource failed');
    if (error instanceof ConveyorError) return new Error(`${request} answered ${STATUS_BY_CODE[error.code]} ${error.code}: ${error.message}`, { cause: error });
    return new Error(`${request} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function requestedPath(type: string, properties: DeclaredProperties): string {
  if (type === DeclaredType.Subscription) return physicalIdOf({ type, topic: properties.Topic ?? '', name: properties.Name });
  if (type === DeclaredType.Schedule) return physicalIdOf({ type, name: properties.Name });
  return physicalIdOf({ type: DeclaredType.Topic, name: properties.Name });
}

function parseSettings(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidRequestError(`Settings must be JSON, but ${JSON.stringify(text.slice(0, 80))} was provided`, { cause: error });
  }
}
