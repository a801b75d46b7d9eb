import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal, type IGrantable, type IPrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.js';

export interface ConveyorFunctionProps {
  /** Handler file in `functions/`, e.g. `api.ts`; it exports `handler`. */
  readonly entry: string;
  /** Physical name: `<prefix>-<role>`. */
  readonly functionName: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Executions reserved for this function, which are also its maximum.
   *
   * @default - none: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
}

/** The repository root: the nearest folder above this file (in `infra/` or `dist/infra/`) with the lock file. */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package-lock.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package-lock.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

const PROJECT_ROOT = findProjectRoot();

/**
 * ESM bundles still meet CommonJS dependencies that call `require` (pino,
 * the SDK's Smithy packages); this gives them one.
 */
const REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** What the bundles get instead of the embedded backend's native module (see the file). */
const SQLITE_STAND_IN = join(PROJECT_ROOT, 'infra', 'bundling', 'betterSqlite3Unavailable.ts');

/**
 * One of Conveyor's Lambda functions: Node.js 24 on arm64, an ESM bundle made by
 * the local esbuild (never Docker) with the AWS SDK v3 inside, X-Ray tracing, and
 * a role of its own that starts with nothing but writing to its own log group.
 */
export class ConveyorFunction extends Construct implements IGrantable {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ConveyorFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    // Instead of AWSLambdaBasicExecutionRole, which may write to every log group.
    this.role = new Role(this, 'Role', {
      description: `Execution role of ${props.functionName}`,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, 'functions', props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      functionName: props.functionName,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        // Nothing stays external, the AWS SDK v3 included; the embedded backend's native module is replaced.
        externalModules: [],
        esbuildArgs: { '--alias': `better-sqlite3=${SQLITE_STAND_IN}` },
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        forceDockerBundling: false,
      },
    });
    // CDK makes a function depend on its role and the role's policy, so that the policy is in place before
    // the first invocation; the role half repeats the GetAtt of Role, which cfn-lint reports (W3005).
    (this.function.node.defaultChild as CfnFunction).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
    acknowledgeWildcardResource(
      this.role,
      '*',
      'Only actions without resource-level permissions get "*": xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and, for the stream relay, dynamodb:ListStreams.',
    );
  }

  public get grantPrincipal(): IPrincipal {
    return this.role;
  }
}
