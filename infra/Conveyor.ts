import { ArnFormat, Stack, Tags, RemovalPolicy } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { JWT_GRANTS_CLAIM_ENV } from '../src/access/jwtPrincipal.js';
import { LOG_COMPRESSION_ENV } from '../src/adapters/aws/batchCompression.js';
import { FAN_OUT_ENV } from '../src/adapters/aws/packs/packFormat.js';
import { deploymentTags } from '../src/adapters/aws/names.js';
import { BACKEND_ENV, resourcesToEnv, type AwsResources } from '../src/adapters/aws/resources.js';
import { AckIdKey } from './constructs/AckIdKey.js';
import { AlarmTopic } from './constructs/AlarmTopic.js';
import { Api } from './constructs/Api.js';
import { Functions, DELAY_CONSUMER_TIMEOUT, functionNames, UNPACKER_TIMEOUT } from './constructs/Functions.js';
import { Messaging } from './constructs/Messaging.js';
import { Monitoring } from './constructs/Monitoring.js';
import { RuntimeAccess } from './constructs/RuntimeAccess.js';
import { Scheduling } from './constructs/Scheduling.js';
import { Tables } from './constructs/Tables.js';
import { ApiGrants } from './declared/ApiGrants.js';
import { ConveyorSchedule, type ConveyorScheduleProps } from './declared/ConveyorSchedule.js';
import type { ConveyorSubscription } from './declared/ConveyorSubscription.js';
import { ConveyorTopic, type ConveyorTopicProps } from './declared/ConveyorTopic.js';
import { Declarations } from './declared/Declarations.js';
import { resolveSettings, type ConveyorProps, type ConveyorSettings } from './settings.js';

/**
 * One Conveyor deployment on AWS, as a construct for any stack: the DynamoDB
 * log and metadata tables, the EventBridge bus, the delay queue, the Scheduler
 * group and role, the key that signs ack ids, the Lambda functions, the HTTP
 * API and the monitoring around them. Topics, subscriptions and schedules can
 * be declared on it (`addTopic`, `addSchedule`); they are the same things the
 * API creates, managed by CloudFormation.
 *
 * @example
 * const conveyor = new Conveyor(stack, 'Conveyor', { resourcePrefix: 'shop' });
 * const orders = conveyor.addTopic('orders', { partitions: 4, retentionHours: 168 });
 * const billing = orders.addSubscription('billing', { maxDeliveries: 5, ackDeadlineSeconds: 30 });
 * billing.addLambdaConsumer(billingFn, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), maxConcurrency: 5 });
 * conveyor.grantPublish(checkoutRole, orders);
 * new CfnOutput(stack, 'ConveyorUrl', { value: conveyor.apiUrl });
 */
export class Conveyor extends Construct {
  public readonly settings: ConveyorSettings;
  /** Prefix of every name the deployment and its runtime create. */
  public readonly resourcePrefix: string;
  /** Base URL of the HTTP API (requests are signed with SigV4 unless a JWT issuer is configured). */
  public readonly apiUrl: string;
  public readonly httpApi: HttpApi;
  /** The bus every message crosses on its way to unordered subscriptions. */
  public readonly eventBus: EventBus;
  /** The ordered log. */
  public readonly logTable: Table;
  /** Topics, subscriptions, schedules, group offsets and dedup entries. */
  public readonly metaTable: Table;
  /** With `alarmEmail`: the topic every alarm notifies, the runtime's per-subscription alarms included. */
  public readonly alarmTopic: ITopic | undefined;
  /** What every function finds in its environment (`resourcesToEnv`). */
  public readonly resources: AwsResources;
  public readonly tables: Tables;
  public readonly messaging: Messaging;
  public readonly scheduling: Scheduling;
  public readonly ackIdKey: AckIdKey;
  public readonly functions: Functions;
  public readonly api: Api;
  public readonly alerting: AlarmTopic | undefined;
  public readonly monitoring: Monitoring;
  /** The environment of every function of the deployment. */
  public readonly environment: Readonly<Record<string, string>>;
  public readonly runtimeAccess: RuntimeAccess;
  private declarations: Declarations | undefined;
  private readonly topics = new Map<string, ConveyorTopic>();
  private readonly schedules = new Map<string, ConveyorSchedule>();
  private readonly grants: ApiGrants;

  constructor(scope: Construct, id: string, props: ConveyorProps = {}) {
    super(scope, id);
    const settings = resolveSettings(props);
    this.settings = settings;
    const prefix = settings.resourcePrefix;
    this.resourcePrefix = prefix;
    const names = functionNames(prefix);
    // Built from the name rather than referenced: the data resources must not depend on Lambda, and the function reads its own ARN.
    const scheduleTargetArn = Stack.of(this).formatArn({ service: 'lambda', resource: 'function', resourceName: names.scheduleTarget, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    // Every resource, down to the log groups and the roles; what the runtime creates gets the same tags (deploymentTags).
    for (const [key, value] of Object.entries(deploymentTags(prefix))) Tags.of(this).add(key, value);

    this.tables = new Tables(this, 'Tables', { removalPolicy: settings.removalPolicy, deletionProtection: settings.removalPolicy !== RemovalPolicy.DESTROY });
    this.messaging = new Messaging(this, 'Messaging', { resourcePrefix: prefix, delayConsumerTimeout: DELAY_CONSUMER_TIMEOUT, unpackerTimeout: UNPACKER_TIMEOUT, removalPolicy: settings.removalPolicy });
    this.scheduling = new Scheduling(this, 'Scheduling', {
      resourcePrefix: prefix,
      delayQueue: this.messaging.delayQueue,
      deliveryFailureQueue: this.messaging.deliveryFailureQueue,
      scheduleTargetFunctionArn: scheduleTargetArn,
      removalPolicy: settings.removalPolicy,
    });
    this.ackIdKey = new AckIdKey(this, 'AckIdKey', { resourcePrefix: prefix });
    this.alerting = settings.alarmEmail === undefined ? undefined : new AlarmTopic(this, 'Alerting', { email: settings.alarmEmail, removalPolicy: settings.removalPolicy });
    this.resources = {
      logTable: this.tables.logTable.tableName,
      metaTable: this.tables.metaTable.tableName,
      eventBus: this.messaging.bus.eventBusName,
      packInboxUrl: this.messaging.packInbox.queueUrl,
      packInboxArn: this.messaging.packInbox.queueArn,
      delayQueueUrl: this.messaging.delayQueue.queueUrl,
      delayQueueArn: this.messaging.delayQueue.queueArn,
      scheduleGroup: this.scheduling.scheduleGroup.scheduleGroupName,
      schedulerRoleArn: this.scheduling.schedulerRole.roleArn,
      scheduleTargetArn,
      resourcePrefix: prefix,
      deliveryFailureQueueArn: this.messaging.deliveryFailureQueue.queueArn,
      alarmTopicArn: this.alerting?.topic.topicArn,
      ackKeySecretArn: this.ackIdKey.secret.secretArn,
    };
    this.environment = {
      ...resourcesToEnv(this.resources),
      [BACKEND_ENV]: 'aws',
      LOG_LEVEL: settings.logLevel,
      [LOG_COMPRESSION_ENV]: settings.logCompression,
      [FAN_OUT_ENV]: settings.fanOut,
      NODE_OPTIONS: '--enable-source-maps',
      ...(settings.jwt === undefined ? {} : { [JWT_GRANTS_CLAIM_ENV]: settings.jwt.grantsClaim }),
    };

    this.runtimeAccess = new RuntimeAccess(this, 'RuntimeAccess', {
      resourcePrefix: prefix,
      bus: this.messaging.bus,
      scheduleGroup: this.scheduling.scheduleGroup,
      schedulerRole: this.scheduling.schedulerRole,
    });
    this.functions = new Functions(this, 'Functions', {
      settings,
      environment: this.environment,
      tables: this.tables,
      messaging: this.messaging,
      runtimeAccess: this.runtimeAccess,
      ackIdKey: this.ackIdKey,
    });
    this.api = new Api(this, 'Api', {
      apiName: `${prefix}-api`,
      handler: this.functions.api.function,
      jwt: settings.jwt,
      throttle: settings.throttle,
      logRetention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      resourcePrefix: prefix,
      alarmTopic: this.alerting?.topic,
      functions: this.functions,
      messaging: this.messaging,
      scheduling: this.scheduling,
      tables: this.tables,
      api: this.api,
    });

    this.apiUrl = this.api.stage.url;
    this.httpApi = this.api.httpApi;
    this.eventBus = this.messaging.bus;
    this.logTable = this.tables.logTable;
    this.metaTable = this.tables.metaTable;
    this.alarmTopic = this.alerting?.topic;
    this.grants = new ApiGrants(this.httpApi, settings.jwt !== undefined);
  }

  /**
   * Declares a topic, created when the stack deploys (or adopted, when the API
   * created it already with the same settings). Settings are checked now, with
   * the API's rules: a bad one fails `cdk synth` with the API's message.
   *
   * @example
   * const orders = conveyor.addTopic('orders', { partitions: 4, retentionHours: 168 });
   */
  public addTopic(name: string, props: ConveyorTopicProps = {}): ConveyorTopic {
    if (this.topics.has(name)) throw new Error(`topic ${JSON.stringify(name)} is declared twice on ${this.node.path}: declare each topic once and keep the ConveyorTopic it returns`);
    const topic = new ConveyorTopic(this, `Topic-${name}`, { ...props, name, declarations: this.declared() });
    this.topics.set(name, topic);
    return topic;
  }

  /**
   * Declares a cron schedule that publishes a fixed message to a topic. The
   * cron expression and time zone are checked now, as the broker reads them.
   *
   * @example
   * conveyor.addSchedule('nightly', { topic: orders, cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' } } });
   */
  public addSchedule(name: string, props: ConveyorScheduleProps): ConveyorSchedule {
    if (this.schedules.has(name)) throw new Error(`schedule ${JSON.stringify(name)} is declared twice on ${this.node.path}: declare each schedule once`);
    const schedule = new ConveyorSchedule(this, `Schedule-${name}`, { ...props, name, declarations: this.declared() });
    this.schedules.set(name, schedule);
    return schedule;
  }

  /**
   * Lets `grantee` publish to `topic` through the API (`POST /v1/topics/<topic>/messages`)
   * and describe it, with IAM authorization (the default): `execute-api:Invoke`
   * on exactly those routes. With a JWT authorizer, callers' grants come from
   * their tokens' scopes (`conveyor/publish:orders`), not IAM, and this throws.
   *
   * @example
   * conveyor.grantPublish(checkoutFn, orders);
   */
  public grantPublish(grantee: IGrantable, topic: ConveyorTopic | string): Grant {
    return this.grants.grantPublish(grantee, typeof topic === 'string' ? topic : topic.topicName);
  }

  /**
   * Lets `grantee` consume `subscription`: through the API (pull, ack, nack,
   * extend and dead-letter listing of that subscription; log reads and
   * consumer-group offsets of its topic; describing both), as the `consume`
   * grant of a token allows, and straight from its SQS queue (receive, delete,
   * change visibility, get attributes). With a JWT authorizer the API's part
   * comes from token scopes instead (`conveyor/consume:orders`) and only the
   * queue is granted.
   *
   * @example
   * conveyor.grantConsume(workerRole, billing);
   */
  public grantConsume(grantee: IGrantable, subscription: ConveyorSubscription): Grant {
    const queue = subscription.queue.grantConsumeMessages(grantee);
    if (this.settings.jwt !== undefined) return queue;
    return this.grants.grantConsume(grantee, subscription.topicName, subscription.subscriptionName).combine(queue);
  }

  /**
   * Lets `grantee` manage `topic` through the API, as the `manage` grant of a
   * token allows on the topic's routes: create and delete it and its
   * subscriptions, seek, redrive and delete dead letters. Schedules are not
   * included: their routes are named by the schedule, not the topic, so IAM
   * cannot limit them to one topic. With a JWT authorizer this throws (use
   * token scopes: `conveyor/manage:orders`).
   *
   * @example
   * conveyor.grantManage(opsRole, orders);
   */
  public grantManage(grantee: IGrantable, topic: ConveyorTopic | string): Grant {
    return this.grants.grantManage(grantee, typeof topic === 'string' ? topic : topic.topicName);
  }

  /** The provider of declared resources, made with the first declaration: a deployment without any has no extra function. */
  private declared(): Declarations {
    this.declarations ??= new Declarations(this, 'Declarations', {
      settings: this.settings,
      environment: this.environment,
      tables: this.tables,
      runtimeAccess: this.runtimeAccess,
      scheduleTarget: this.functions.scheduleTarget,
    });
    return this.declarations;
  }
}
