import { JWT_GRANTS_CLAIM_ENV } from '../src/access/jwtPrincipal.js';
import { ArnFormat, CfnOutput, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { deploymentTags } from '../src/adapters/aws/names.js';
import { BACKEND_ENV, ResourceOutput, resourcesToEnv, type AwsResources } from '../src/adapters/aws/resources.js';
import { AckIdKey } from './constructs/AckIdKey.js';
import { AlarmTopic } from './constructs/AlarmTopic.js';
import { Api } from './constructs/Api.js';
import { Functions, DELAY_CONSUMER_TIMEOUT, functionNames } from './constructs/Functions.js';
import { Messaging } from './constructs/Messaging.js';
import { Monitoring } from './constructs/Monitoring.js';
import { RuntimeAccess } from './constructs/RuntimeAccess.js';
import { Scheduling } from './constructs/Scheduling.js';
import { Tables } from './constructs/Tables.js';
import { resolveSettings, type ConveyorSettings, type ConveyorStackProps } from './settings.js';

/**
 * One Conveyor deployment on AWS: the DynamoDB log and metadata tables, the
 * EventBridge bus, the delay queue, the Scheduler group and role, the key that
 * signs ack ids (the data resources, which reference nothing else), and the Lambda functions, HTTP API
 * and monitoring around them. Its outputs are `ResourceOutput` of
 * `src/adapters/aws/resources.ts` plus `ApiUrl`.
 */
export class ConveyorStack extends Stack {
  public readonly settings: ConveyorSettings;
  /** What every function finds in its environment (`resourcesToEnv`). */
  public readonly resources: AwsResources;
  public readonly tables: Tables;
  public readonly messaging: Messaging;
  public readonly scheduling: Scheduling;
  public readonly ackIdKey: AckIdKey;
  public readonly functions: Functions;
  public readonly api: Api;
  /** With `alarmEmail`: the topic every alarm notifies, the runtime's per-subscription alarms included. */
  public readonly alerting: AlarmTopic | undefined;
  public readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ConveyorStackProps = {}) {
    super(scope, id, { description: 'Conveyor: ordered logs, work queues, fan-out, delays and schedules behind one HTTP API', ...props });
    const settings = resolveSettings(props);
    this.settings = settings;
    const prefix = settings.resourcePrefix;
    const names = functionNames(prefix);
    // Built from the name rather than referenced: the data resources must not depend on Lambda, and the function reads its own ARN.
    const scheduleTargetArn = this.formatArn({ service: 'lambda', resource: 'function', resourceName: names.scheduleTarget, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    // Every resource, down to the log groups and the roles; what the runtime creates gets the same tags (deploymentTags).
    for (const [key, value] of Object.entries(deploymentTags(prefix))) Tags.of(this).add(key, value);

    this.tables = new Tables(this, 'Tables', { removalPolicy: settings.removalPolicy, deletionProtection: settings.removalPolicy !== RemovalPolicy.DESTROY });
    this.messaging = new Messaging(this, 'Messaging', { resourcePrefix: prefix, delayConsumerTimeout: DELAY_CONSUMER_TIMEOUT, removalPolicy: settings.removalPolicy });
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

    const runtimeAccess = new RuntimeAccess(this, 'RuntimeAccess', {
      resourcePrefix: prefix,
      bus: this.messaging.bus,
      scheduleGroup: this.scheduling.scheduleGroup,
      schedulerRole: this.scheduling.schedulerRole,
    });
    this.functions = new Functions(this, 'Functions', {
      settings,
      environment: {
        ...resourcesToEnv(this.resources),
        [BACKEND_ENV]: 'aws',
        LOG_LEVEL: settings.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...(settings.jwt === undefined ? {} : { [JWT_GRANTS_CLAIM_ENV]: settings.jwt.grantsClaim }),
      },
      tables: this.tables,
      messaging: this.messaging,
      runtimeAccess,
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

    for (const [field, outputName] of Object.entries(ResourceOutput)) {
      const value = this.resources[field as keyof AwsResources];
      if (value !== undefined) new CfnOutput(this, outputName, { value });
    }
    new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'Base URL of the HTTP API (requests are signed with SigV4 unless a JWT issuer is configured)' });
  }
}
