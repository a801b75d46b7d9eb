import { CustomResource, Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ConveyorError } from '../../src/domain/errors.js';
import type { DeclaredType } from '../../src/provisioning/declarations.js';
import type { DeclaredProperties } from '../../src/provisioning/DeclaredResourceHandler.js';
import { ConveyorFunction } from '../constructs/ConveyorFunction.js';
import type { RuntimeAccess } from '../constructs/RuntimeAccess.js';
import type { Tables } from '../constructs/Tables.js';
import { acknowledgeWildcardResource } from '../nag.js';
import type { ConveyorSettings } from '../settings.js';

export interface DeclarationsProps {
  readonly settings: ConveyorSettings;
  /** The environment every function of the deployment has. */
  readonly environment: Readonly<Record<string, string>>;
  readonly tables: Tables;
  readonly runtimeAccess: RuntimeAccess;
  /** Cron schedules target it: declared schedules are created after it. */
  readonly scheduleTarget: ConveyorFunction;
}

/**
 * Longest a declared resource's event may run. Creating a subscription with
 * `startFrom: "earliest"` copies every retained message of its topic into the
 * new queue before it answers; Lambda allows 15 minutes.
 */
export const PROVIDER_TIMEOUT = Duration.minutes(15);

/** Physical name of the provider function. */
export const providerFunctionName = (prefix: string): string => `${prefix}-provider`;

/**
 * What declared topics, subscriptions and schedules run on: the function
 * `<prefix>-provider` (`functions/provider.ts`), which calls the same broker
 * as the API, behind aws-cdk-lib's custom resource Provider framework. The
 * function has the API function's grants for provisioning (tables, the
 * runtime's queues, rules, alarms and schedules) and nothing for messages
 * themselves beyond what a backfill needs (reading the log, sending to the new
 * queue). Made once per Conveyor, with its first declaration.
 */
export class Declarations extends Construct {
  public readonly function: ConveyorFunction;
  public readonly provider: Provider;
  /** What declared schedules wait for: their EventBridge Scheduler schedules invoke it. */
  public readonly scheduleTarget: ConveyorFunction;

  constructor(scope: Construct, id: string, props: DeclarationsProps) {
    super(scope, id);
    const { settings, tables, runtimeAccess } = props;
    this.scheduleTarget = props.scheduleTarget;
    this.function = new ConveyorFunction(this, 'Provider', {
      entry: 'provider.ts',
      functionName: providerFunctionName(settings.resourcePrefix),
      description: 'Conveyor declared resources: creates, updates and deletes the topics, subscriptions and schedules a CDK app declares',
      memorySize: 256,
      timeout: PROVIDER_TIMEOUT,
      environment: props.environment,
      logRetention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    // Backfilling `startFrom: "earliest"` reads the log; creating and deleting touch only the meta table.
    tables.logTable.grantReadData(this.function);
    tables.metaTable.grantReadWriteData(this.function);
    runtimeAccess.grantSubscriptionQueues(this.function);
    runtimeAccess.grantSubscriptionRules(this.function);
    runtimeAccess.grantSchedules(this.function, { read: true });
    runtimeAccess.grantRuntimeAlarms(this.function);

    // The framework's own function, with a role that writes only to its own log group (instead of AWSLambdaBasicExecutionRole).
    const frameworkLogs = new LogGroup(this, 'FrameworkLogs', { retention: settings.logRetention, removalPolicy: settings.removalPolicy });
    const frameworkRole = new Role(this, 'FrameworkRole', {
      description: `Execution role of the custom resource framework in front of ${providerFunctionName(settings.resourcePrefix)}`,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    frameworkLogs.grantWrite(frameworkRole);
    this.provider = new Provider(this, 'Framework', { onEventHandler: this.function.function, logGroup: frameworkLogs, frameworkOnEventRole: frameworkRole });
    // As for Conveyor's functions (ConveyorFunction): CDK's dependency on the role repeats the GetAtt of Role, which cfn-lint reports.
    const frameworkFunction = this.provider.node.findChild('framework-onEvent').node.defaultChild as CfnFunction;
    frameworkFunction.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
    acknowledgeWildcardResource(
      frameworkRole,
      `${this.function.function.functionArn}:*`,
      "The custom resource framework invokes the provider function, any version of it: aws-cdk-lib's Provider grants lambda:InvokeFunction on the function and its qualifiers.",
    );
  }

  /**
   * The custom resource of one declaration, as the provider reads it
   * (DeclaredProperties): names as they are, settings as JSON, so that
   * CloudFormation keeps numbers and booleans (tokens in a schedule's message
   * resolve at deployment).
   */
  public declare(scope: Construct, id: string, declaration: Declaration): CustomResource {
    const properties: DeclaredProperties = {
      Name: declaration.name,
      ...(declaration.topic === undefined ? {} : { Topic: declaration.topic }),
      Settings: Stack.of(scope).toJsonString(declaration.settings),
    };
    return new CustomResource(scope, id, {
      serviceToken: this.provider.serviceToken,
      resourceType: declaration.type,
      properties: { ...properties },
      removalPolicy: declaration.removalPolicy,
    });
  }
}

/** One declared topic, subscription or schedule, its settings checked. */
export interface Declaration {
  readonly type: DeclaredType;
  readonly name: string;
  /** A subscription's topic. */
  readonly topic?: string;
  readonly settings: object;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Runs a check of src/provisioning/declarations.ts at synthesis, turning the
 * API's error into one that names the declaration: a typo fails `cdk synth`,
 * not the deployment.
 *
 * @example
 * checkedAtSynth('topic "orders"', () => checkTopic('orders', { partitions: 65 }));
 * // Error: Conveyor topic "orders": props.partitions must be between 1 and 64, but 65 was provided
 */
export function checkedAtSynth<T>(what: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ConveyorError) throw new Error(`Conveyor ${what}: ${error.message}`, { cause: error });
    throw error;
  }
}
