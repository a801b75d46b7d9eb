import { RemovalPolicy, type CustomResource } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { ScheduleSettings, ScheduledMessage } from '../../src/domain/types.js';
import { checkSchedule, DeclaredType } from '../../src/provisioning/declarations.js';
import type { ConveyorTopic } from './ConveyorTopic.js';
import { checkedAtSynth, type Declarations } from './Declarations.js';

/** A schedule's settings, as `PUT /v1/schedules/{schedule}` takes them, and what CloudFormation does with it. */
export interface ConveyorScheduleProps {
  /** The topic it publishes to: a declared topic (the schedule is created after it), or the name of one the API created. */
  readonly topic: ConveyorTopic | string;
  /** A 5-field (minute first) or 6-field (seconds first) cron expression. */
  readonly cron: string;
  /**
   * The IANA time zone the cron expression is read in.
   *
   * @default 'UTC'
   */
  readonly timezone?: string;
  /** What each tick publishes: `body` (any JSON), optional `key` and `attributes`. */
  readonly message: ScheduledMessage;
  /**
   * What happens to the schedule when it is removed from the app or its stack is deleted.
   *
   * @default RemovalPolicy.DESTROY - removing the schedule from the app deletes it on the next deployment
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** @internal What `Conveyor.addSchedule` adds to the props. */
export interface ConveyorScheduleConstructProps extends ConveyorScheduleProps {
  readonly name: string;
  readonly declarations: Declarations;
}

/**
 * A cron schedule declared in a CDK app, put by a custom resource that calls
 * the broker as `PUT /v1/schedules/{schedule}` does: a changed cron, time
 * zone, topic or message replaces the schedule's settings on the next
 * deployment, as the API's PUT does. Made by `Conveyor.addSchedule`.
 *
 * @example
 * conveyor.addSchedule('nightly', { topic: orders, cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' } } });
 */
export class ConveyorSchedule extends Construct {
  public readonly scheduleName: string;
  /** The settings with the API's defaults applied, as the custom resource gets them. */
  public readonly settings: ScheduleSettings;
  /** The custom resource (`Custom::ConveyorSchedule`); its physical id is `schedules/<name>`. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ConveyorScheduleConstructProps) {
    super(scope, id);
    const { name, declarations, removalPolicy, topic, ...rest } = props;
    this.scheduleName = name;
    const topicName = typeof topic === 'string' ? topic : topic.topicName;
    this.settings = checkedAtSynth(`schedule ${JSON.stringify(name)}`, () => checkSchedule(name, { ...rest, topic: topicName }));
    this.resource = declarations.declare(this, 'Resource', {
      type: DeclaredType.Schedule,
      name,
      settings: this.settings,
      removalPolicy: removalPolicy ?? RemovalPolicy.DESTROY,
    });
    if (typeof topic !== 'string') this.resource.node.addDependency(topic.resource);
    // Its EventBridge Scheduler schedule invokes the schedule target from the first tick on.
    this.resource.node.addDependency(declarations.scheduleTarget);
  }
}
