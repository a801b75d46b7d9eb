import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal, type IGrantable, type IPrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.js';

export interface ConveyorFunctionProps {
  /** Handler file in `functions/`, e.g. `api.ts`; it exports `handler`, and the build bundles it into `dist/bundles/api/`. */
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

const PACKAGE_NAME = 'conveyor';

/**
 * The conveyor package's root: the nearest folder above this module with a
 * package.json named `conveyor`. The same walk finds it from the sources
 * (`infra/constructs/`), from the build (`dist/infra/constructs/`) and from an
 * installed copy (`node_modules/conveyor/dist/infra/constructs/`), whatever the
 * current directory and whatever lock file the user's project has.
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json named "${PACKAGE_NAME}" above ${from}`);
  }
}

/**
 * The folder of one function's bundle, made at build time by
 * `scripts/bundleFunctions.mjs`: `index.mjs` (and its source map), nothing else.
 */
export function bundleDirOf(entry: string, root: string = packageRoot()): string {
  return join(root, 'dist', 'bundles', basename(entry, '.ts'));
}

/** Stands in for the code when the app skips bundling this stack (`aws:cdk:bundling-stacks`), as NodejsFunction does. */
const PLACEHOLDER_CODE = '// Not deployable: this stack was synthesized without its functions (aws:cdk:bundling-stacks).';

/**
 * One of Conveyor's Lambda functions: Node.js 24 on arm64, the ESM bundle built
 * with the package (the AWS SDK v3 inside; see scripts/bundleFunctions.mjs), X-Ray
 * tracing, and a role of its own that starts with nothing but writing to its own
 * log group. A missing bundle fails the synthesis; `npm run build` makes them.
 */
export class ConveyorFunction extends Construct implements IGrantable {
  public readonly function: LambdaFunction;
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
    this.function = new LambdaFunction(this, 'Function', {
      code: codeOf(this, props.entry),
      handler: 'index.handler',
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

/** The bundle as a code asset, or the placeholder when this stack's bundling is skipped. */
function codeOf(scope: Construct, entry: string): Code {
  if (!Stack.of(scope).bundlingRequired) return Code.fromInline(PLACEHOLDER_CODE);
  const dir = bundleDirOf(entry);
  if (!existsSync(join(dir, 'index.mjs'))) {
    throw new Error(`the bundle of functions/${entry} is missing (${join(dir, 'index.mjs')}): run npm run build in ${packageRoot()}`);
  }
  return Code.fromAsset(dir);
}
