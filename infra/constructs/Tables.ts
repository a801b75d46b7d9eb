import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface TablesProps {
  /** What happens to both tables when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * DynamoDB's deletion protection: a DeleteTable, from the console, the API or
   * CloudFormation, fails until it is turned off.
   */
  readonly deletionProtection: boolean;
}

/**
 * The two DynamoDB tables (item layouts in `src/adapters/aws/logItems.ts` and
 * `resources.ts`). Both are on-demand, with point-in-time recovery, AWS-managed
 * encryption, a TTL attribute `ttl` that expires retained messages and dedup
 * entries, and deletion protection unless the stack destroys its data on delete.
 */
export class Tables extends Construct {
  /** The ordered log: partition key `p` (topic incarnation + partition), sort key `o` (offset). Its stream feeds the relay. */
  public readonly logTable: Table;
  /** Topics, subscriptions, schedules, group offsets and dedup entries. */
  public readonly metaTable: Table;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);
    const common = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      removalPolicy: props.removalPolicy,
      deletionProtection: props.deletionProtection,
    } as const;
    this.logTable = new Table(this, 'LogTable', {
      ...common,
      partitionKey: { name: 'p', type: AttributeType.STRING },
      sortKey: { name: 'o', type: AttributeType.NUMBER },
      // The relay needs only the new item of each insert.
      stream: StreamViewType.NEW_IMAGE,
    });
    this.metaTable = new Table(this, 'MetaTable', {
      ...common,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
    });
  }
}
