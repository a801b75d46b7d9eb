import { RemovalPolicy, Token, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_GRANTS_CLAIM } from '../src/access/jwtPrincipal.js';
import { LOG_COMPRESSIONS, type LogCompression } from '../src/adapters/aws/batchCompression.js';
import { FAN_OUTS, type FanOut } from '../src/adapters/aws/packs/packFormat.js';

/** pino's levels: the functions log through pino. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_RESOURCE_PREFIX = 'conveyor';
export const MAX_RESOURCE_PREFIX_LENGTH = 10;

/** The settings of one Conveyor deployment: what `Conveyor` takes, and `ConveyorStack` with its stack props. */
export interface ConveyorProps {
  /**
   * Prefix of every named resource: the bus (`<prefix>-bus`), the schedule group
   * (`<prefix>`), the functions, and everything Conveyor creates at runtime
   * (`<prefix>-s-*` queues and rules, schedules in the group, `<prefix>-*` alarms).
   * The runtime IAM grants are limited to it. 1–10 characters.
   *
   * @default 'conveyor'
   */
  readonly resourcePrefix?: string;
  /**
   * Delete the tables, queues and log groups with the stack, and leave the tables
   * without deletion protection. For development stacks only.
   *
   * @default false - tables, queues and log groups are retained, and the tables are protected from deletion
   */
  readonly destroyDataOnDelete?: boolean;
  /**
   * Issuer URL of a JWT authorizer that replaces IAM authorization on every route.
   * Needs `jwtAudience`.
   *
   * @default - IAM authorization (SigV4)
   */
  readonly jwtIssuer?: string;
  /**
   * Audiences the JWT authorizer accepts. Needs `jwtIssuer`.
   *
   * @default - IAM authorization (SigV4)
   */
  readonly jwtAudience?: readonly string[];
  /**
   * JWT claim whose words are the caller's grants (`publish:orders`, `admin`, …;
   * a prefix up to the last `/` is ignored). Needs `jwtIssuer`.
   *
   * @default 'scope' - OAuth 2.0 scopes, e.g. `conveyor/publish:orders`
   */
  readonly jwtGrantsClaim?: string;
  /**
   * Email address subscribed to an alarm topic that every alarm notifies.
   *
   * @default - no topic; the alarms only change state
   */
  readonly alarmEmail?: string;
  /**
   * `LOG_LEVEL` of every function.
   *
   * @default 'info'
   */
  readonly logLevel?: LogLevel;
  /**
   * Retention of the function and access logs.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Steady-state requests per second the HTTP API stage accepts.
   *
   * @default 100
   */
  readonly throttleRateLimit?: number;
  /**
   * Request burst the HTTP API stage accepts.
   *
   * @default 200
   */
  readonly throttleBurstLimit?: number;
  /**
   * Reserved concurrency of the schedule-target function, or `false` for none.
   * Scheduler invokes it once per schedule per tick and every invocation fires
   * every due tick, so many cron schedules on the same minute would otherwise
   * run that many invocations doing the same work, taking concurrency from the
   * API. The surplus is throttled and retried by Scheduler, and then finds
   * nothing due. Lambda refuses any reservation that leaves the account fewer than
   * 100 unreserved executions: accounts with a concurrency quota below
   * 100 + this value (new accounts may have 10) need `false`.
   *
   * @default 5
   */
  readonly scheduleTargetConcurrency?: number | false;
  /**
   * How the log stores record batches: `'deflate'` (a batch's messages
   * compressed when that makes the item smaller, which DynamoDB bills by) or
   * `'none'`. Versions of Conveyor before compressed batches pass over a
   * compressed batch without reading it, so a deployment upgrading from one
   * sets `'none'` for one deploy, until every function runs this version, and
   * then removes it; once batches are stored compressed, it cannot go back to
   * such a version.
   *
   * @default 'deflate'
   */
  readonly logCompression?: LogCompression;
  /**
   * What the EventBridge rules of new unordered subscriptions match: `'pack'`
   * (the relay puts one event per group of messages bound for the same
   * subscriptions, which an unpacker queues message by message; EventBridge
   * bills per 64 KB of event) or `'event'` (one event per message, filtered
   * by the rule). Versions of Conveyor before packs relay one event per
   * message only, so a deployment upgrading from one sets `'event'` for one
   * deploy, until every function runs this version, and then removes it.
   * Subscriptions keep what they were made with; once one is made with packs,
   * the deployment cannot go back to such a version.
   *
   * @default 'pack'
   */
  readonly fanOut?: FanOut;
}

/** `Conveyor`'s settings plus the stack's own props (name, environment, description). */
export interface ConveyorStackProps extends StackProps, ConveyorProps {}

/** The props with every default applied, validated. */
export interface ConveyorSettings {
  readonly resourcePrefix: string;
  readonly removalPolicy: RemovalPolicy;
  readonly jwt: { readonly issuer: string; readonly audience: readonly string[]; readonly grantsClaim: string } | undefined;
  readonly alarmEmail: string | undefined;
  readonly logLevel: LogLevel;
  readonly logRetention: RetentionDays;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Reserved concurrency of the schedule target; undefined: none. */
  readonly scheduleTargetConcurrency: number | undefined;
  readonly logCompression: LogCompression;
  readonly fanOut: FanOut;
}

/** Default reserved concurrency of the schedule target (see ConveyorStackProps). */
export const DEFAULT_SCHEDULE_TARGET_CONCURRENCY = 5;
export const MAX_SCHEDULE_TARGET_CONCURRENCY = 100;

interface ValidationRule {
  readonly violated: (props: ConveyorProps) => boolean;
  readonly message: (props: ConveyorProps) => string;
}

const known = (value: string | undefined): value is string => value !== undefined && !Token.isUnresolved(value);
const prefixOf = (props: ConveyorProps): string => props.resourcePrefix ?? DEFAULT_RESOURCE_PREFIX;

/**
 * Lowercase, so that one prefix is valid in every service that names things with
 * it (SQS, EventBridge rules, Scheduler groups, Lambda, CloudWatch alarms).
 */
const PREFIX_PATTERN = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/** A prop that, when given, must be one of `values`. */
function oneOf(prop: 'logLevel' | 'logCompression' | 'fanOut', values: readonly string[]): ValidationRule {
  return {
    violated: (p) => p[prop] !== undefined && !values.includes(p[prop]),
    message: (p) => `${prop} must be one of ${values.join(', ')}, but "${String(p[prop])}" was provided`,
  };
}

const RULES: readonly ValidationRule[] = [
  {
    violated: (p) => known(prefixOf(p)) && (prefixOf(p).length < 1 || prefixOf(p).length > MAX_RESOURCE_PREFIX_LENGTH),
    message: (p) => `resourcePrefix must be 1 to ${MAX_RESOURCE_PREFIX_LENGTH} characters long, but "${prefixOf(p)}" (${prefixOf(p).length}) was provided`,
  },
  {
    violated: (p) => known(prefixOf(p)) && prefixOf(p).length > 0 && !PREFIX_PATTERN.test(prefixOf(p)),
    message: (p) => `resourcePrefix must start with a lowercase letter, hold only lowercase letters, digits and hyphens, and not end with a hyphen, but "${prefixOf(p)}" was provided`,
  },
  {
    violated: (p) => (p.jwtIssuer === undefined) !== (p.jwtAudience === undefined),
    message: (p) => `jwtIssuer and jwtAudience must be given together, but only ${p.jwtIssuer === undefined ? 'jwtAudience' : 'jwtIssuer'} was provided`,
  },
  {
    violated: (p) => p.jwtGrantsClaim !== undefined && p.jwtIssuer === undefined,
    message: () => 'jwtGrantsClaim needs jwtIssuer and jwtAudience: grants come from JWTs only with the JWT authorizer',
  },
  {
    violated: (p) => known(p.jwtGrantsClaim) && !/^[\x21-\x7e]{1,128}$/.test(p.jwtGrantsClaim),
    message: (p) => `jwtGrantsClaim must be a claim name of 1 to 128 printable characters, but "${p.jwtGrantsClaim}" was provided`,
  },
  {
    violated: (p) => known(p.jwtIssuer) && !p.jwtIssuer.startsWith('https://'),
    message: (p) => `jwtIssuer must be an https:// URL, but "${p.jwtIssuer}" was provided`,
  },
  {
    violated: (p) => p.jwtAudience !== undefined && p.jwtAudience.length === 0,
    message: () => 'jwtAudience must name at least one audience, but an empty list was provided',
  },
  {
    violated: (p) => known(p.alarmEmail) && !/^[^@\s]+@[^@\s]+$/.test(p.alarmEmail),
    message: (p) => `alarmEmail must be an email address, but "${p.alarmEmail}" was provided`,
  },
  oneOf('logLevel', LOG_LEVELS),
  {
    violated: (p) => p.throttleRateLimit !== undefined && !(p.throttleRateLimit > 0),
    message: (p) => `throttleRateLimit must be greater than 0, but ${p.throttleRateLimit} was provided`,
  },
  {
    violated: (p) => p.throttleBurstLimit !== undefined && !(Number.isInteger(p.throttleBurstLimit) && p.throttleBurstLimit > 0),
    message: (p) => `throttleBurstLimit must be a positive integer, but ${p.throttleBurstLimit} was provided`,
  },
  {
    violated: (p) =>
      p.scheduleTargetConcurrency !== undefined &&
      p.scheduleTargetConcurrency !== false &&
      !(Number.isInteger(p.scheduleTargetConcurrency) && p.scheduleTargetConcurrency >= 1 && p.scheduleTargetConcurrency <= MAX_SCHEDULE_TARGET_CONCURRENCY),
    message: (p) => `scheduleTargetConcurrency must be an integer from 1 to ${MAX_SCHEDULE_TARGET_CONCURRENCY}, or false for none, but ${String(p.scheduleTargetConcurrency)} was provided`,
  },
  oneOf('logCompression', LOG_COMPRESSIONS),
  oneOf('fanOut', FAN_OUTS),
];

/** Applies the defaults; throws one error that lists every invalid prop. */
export function resolveSettings(props: ConveyorProps = {}): ConveyorSettings {
  const problems = RULES.filter((rule) => rule.violated(props)).map((rule) => rule.message(props));
  if (problems.length > 0) throw new Error(`Invalid ConveyorStack props:\n- ${problems.join('\n- ')}`);
  return {
    resourcePrefix: prefixOf(props),
    removalPolicy: props.destroyDataOnDelete === true ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    jwt:
      props.jwtIssuer !== undefined && props.jwtAudience !== undefined
        ? { issuer: props.jwtIssuer, audience: props.jwtAudience, grantsClaim: props.jwtGrantsClaim ?? DEFAULT_GRANTS_CLAIM }
        : undefined,
    alarmEmail: props.alarmEmail,
    logLevel: props.logLevel ?? 'info',
    logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    throttle: { rateLimit: props.throttleRateLimit ?? 100, burstLimit: props.throttleBurstLimit ?? 200 },
    scheduleTargetConcurrency: props.scheduleTargetConcurrency === false ? undefined : (props.scheduleTargetConcurrency ?? DEFAULT_SCHEDULE_TARGET_CONCURRENCY),
    logCompression: props.logCompression ?? 'deflate',
    fanOut: props.fanOut ?? 'pack',
  };
}
