import { CfnOutput, Stack, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { deploymentTags } from '../src/adapters/aws/names.js';
import { ResourceOutput, type AwsResources } from '../src/adapters/aws/resources.js';
import { Conveyor } from './Conveyor.js';
import type { AckIdKey } from './constructs/AckIdKey.js';
import type { AlarmTopic } from './constructs/AlarmTopic.js';
import type { Api } from './constructs/Api.js';
import type { Functions } from './constructs/Functions.js';
import type { Messaging } from './constructs/Messaging.js';
import type { Monitoring } from './constructs/Monitoring.js';
import type { Scheduling } from './constructs/Scheduling.js';
import type { Tables } from './constructs/Tables.js';
import type { ConveyorSettings, ConveyorStackProps } from './settings.js';

/**
 * A stack that holds one `Conveyor` and nothing else, for `npx cdk deploy`
 * from this repository (infra/app.ts). Its outputs are `ResourceOutput` of
 * `src/adapters/aws/resources.ts` plus `ApiUrl`; the local runner reads them
 * back from an emulator's stack.
 *
 * The construct's id is `Default`, which CDK leaves out of logical ids, so the
 * resources keep the ids they had when this stack built them itself, and a
 * deployed stack updates in place.
 */
export class ConveyorStack extends Stack {
  public readonly conveyor: Conveyor;
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
    this.conveyor = new Conveyor(this, 'Default', props);
    // The stack's own tags too, which CloudFormation also puts on what it creates.
    for (const [key, value] of Object.entries(deploymentTags(this.conveyor.resourcePrefix))) Tags.of(this).add(key, value);
    ({
      settings: this.settings,
      resources: this.resources,
      tables: this.tables,
      messaging: this.messaging,
      scheduling: this.scheduling,
      ackIdKey: this.ackIdKey,
      functions: this.functions,
      api: this.api,
      alerting: this.alerting,
      monitoring: this.monitoring,
    } = this.conveyor);

    for (const [field, outputName] of Object.entries(ResourceOutput)) {
      const value = this.resources[field as keyof AwsResources];
      if (value !== undefined) new CfnOutput(this, outputName, { value });
    }
    new CfnOutput(this, 'ApiUrl', { value: this.conveyor.apiUrl, description: 'Base URL of the HTTP API (requests are signed with SigV4 unless a JWT issuer is configured)' });
  }
}
