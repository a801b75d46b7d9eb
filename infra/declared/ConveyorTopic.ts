import { RemovalPolicy, type CustomResource } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { TopicSettings } from '../../src/domain/types.js';
import { checkTopic, DeclaredType } from '../../src/provisioning/declarations.js';
import { ConveyorSubscription, type ConveyorSubscriptionProps } from './ConveyorSubscription.js';
import { checkedAtSynth, type Declarations } from './Declarations.js';

/** A topic's settings, as `PUT /v1/topics/{topic}` takes them, and what CloudFormation does with it. */
export interface ConveyorTopicProps {
  /**
   * Partitions, 1–64. Fixed once the topic exists: a changed count fails the
   * deployment with the API's 409 Conflict.
   *
   * @default 4
   */
  readonly partitions?: number;
  /**
   * How long messages are kept, 1–8760 hours.
   *
   * @default 168
   */
  readonly retentionHours?: number;
  /**
   * How long a message id is remembered to deduplicate a retried publish, 0–86400 seconds.
   *
   * @default 3600
   */
  readonly dedupWindowSeconds?: number;
  /**
   * What happens to the topic when it is removed from the app or its stack is
   * deleted. `RemovalPolicy.DESTROY` deletes it with its log and its
   * subscriptions (the API's DELETE).
   *
   * @default RemovalPolicy.RETAIN - the topic and its messages stay, since they are data; delete it through the API when it is no longer needed
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** @internal What `Conveyor.addTopic` adds to the props. */
export interface ConveyorTopicConstructProps extends ConveyorTopicProps {
  readonly name: string;
  readonly declarations: Declarations;
}

/**
 * A topic declared in a CDK app: created (or adopted, when the API created it
 * with the same settings) by a custom resource that calls the broker, as
 * `PUT /v1/topics/{topic}` does. Made by `Conveyor.addTopic`.
 *
 * @example
 * const orders = conveyor.addTopic('orders', { partitions: 4, retentionHours: 168 });
 * const billing = orders.addSubscription('billing', { maxDeliveries: 5 });
 */
export class ConveyorTopic extends Construct {
  public readonly topicName: string;
  /** The settings with the API's defaults applied, as the custom resource gets them. */
  public readonly settings: TopicSettings;
  /** The custom resource (`Custom::ConveyorTopic`); its physical id is `topics/<name>`. */
  public readonly resource: CustomResource;
  private readonly declarations: Declarations;
  private readonly subscriptions = new Map<string, ConveyorSubscription>();

  constructor(scope: Construct, id: string, props: ConveyorTopicConstructProps) {
    super(scope, id);
    const { name, declarations, removalPolicy, ...settings } = props;
    this.topicName = name;
    this.declarations = declarations;
    this.settings = checkedAtSynth(`topic ${JSON.stringify(name)}`, () => checkTopic(name, settings));
    this.resource = declarations.declare(this, 'Resource', {
      type: DeclaredType.Topic,
      name,
      settings: this.settings,
      removalPolicy: removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /**
   * Declares a subscription of this topic. Its settings are checked now, with
   * the API's rules (the filter compiled as the broker compiles it).
   *
   * @example
   * const eu = orders.addSubscription('shipping-eu', { filter: { attributes: { region: ['eu'] } }, ordered: true });
   */
  public addSubscription(name: string, props: ConveyorSubscriptionProps = {}): ConveyorSubscription {
    if (this.subscriptions.has(name)) {
      throw new Error(`subscription ${JSON.stringify(name)} of topic ${JSON.stringify(this.topicName)} is declared twice: declare each subscription once and keep the ConveyorSubscription it returns`);
    }
    const subscription = new ConveyorSubscription(this, `Subscription-${name}`, { ...props, name, topic: this, declarations: this.declarations });
    this.subscriptions.set(name, subscription);
    return subscription;
  }
}
