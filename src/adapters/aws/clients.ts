import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareStack } from '@smithy/types';

/** The SDK clients of the AWS backend, created once per process (Lambda container) and shared. */
export interface AwsClients {
  /** DynamoDB with native JS values (marshalling done by lib-dynamodb). */
  readonly dynamo: DynamoDBDocumentClient;
  /** The same DynamoDB client without marshalling, for table-level calls (DescribeTable). */
  readonly dynamoTables: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly sqs: SQSClient;
  readonly events: EventBridgeClient;
  readonly scheduler: SchedulerClient;
  /** Creates and deletes the per-subscription dead-letter alarms. */
  readonly cloudwatch: CloudWatchClient;
  /** Reads the key that signs ack ids (AckIdKeySecret). */
  readonly secrets: SecretsManagerClient;
  destroy(): void;
}

/** Something that plugs into every client's middleware stack: request counting, fault injection. */
export interface ClientPlugin {
  apply(stack: MiddlewareStack<any, any>, service: string): void;
}

export interface AwsClientOptions {
  /** Defaults to AWS_REGION, then us-east-1. */
  readonly region?: string;
  /** An emulator's address; the SDK also honours AWS_ENDPOINT_URL by itself. */
  readonly endpoint?: string;
  /** SDK attempts per request, throttling and 5xx included (standard retry mode, with backoff). @default 5 */
  readonly maxAttempts?: number;
  readonly plugins?: readonly ClientPlugin[];
}

/**
 * Builds every client with the same region, endpoint, retry policy and plugins.
 *
 * @example
 * const counter = new RequestCounter();
 * const clients = createAwsClients({ plugins: [counter] });
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const config = {
    region: options.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard',
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  };
  const withPlugins = <C extends { middlewareStack: MiddlewareStack<any, any> }>(client: C, service: string): C => {
    for (const plugin of options.plugins ?? []) plugin.apply(client.middlewareStack, service);
    return client;
  };
  const dynamoClient = withPlugins(new DynamoDBClient(config), 'DynamoDB');
  const dynamo = DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } });
  const streams = withPlugins(new DynamoDBStreamsClient(config), 'DynamoDBStreams');
  const sqs = withPlugins(new SQSClient(config), 'SQS');
  const events = withPlugins(new EventBridgeClient(config), 'EventBridge');
  const scheduler = withPlugins(new SchedulerClient(config), 'Scheduler');
  const cloudwatch = withPlugins(new CloudWatchClient(config), 'CloudWatch');
  const secrets = withPlugins(new SecretsManagerClient(config), 'SecretsManager');
  return {
    dynamo,
    dynamoTables: dynamoClient,
    streams,
    sqs,
    events,
    scheduler,
    cloudwatch,
    secrets,
    destroy: () => {
      for (const client of [dynamo, dynamoClient, streams, sqs, events, scheduler, secrets, cloudwatch]) client.destroy();
    },
  };
}
