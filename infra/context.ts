import type { LogCompression } from '../src/adapters/aws/batchCompression.js';
import type { FanOut } from '../src/adapters/aws/packs/packFormat.js';
import type { ConveyorStackProps, LogLevel } from './settings.js';

/** Reads one CDK context value (`-c key=value`, cdk.json or cdk.context.json); undefined when absent. */
export type ContextReader = (key: string) => unknown;

/**
 * A context value as text: the command line gives strings, cdk.json may give
 * booleans or numbers. Absent and empty both mean "not given".
 */
function text(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  return value === undefined || value === null || value === '' ? undefined : String(value).trim();
}

function booleanOf(read: ContextReader, key: string): boolean | undefined {
  const value = text(read, key);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new Error(`context ${key} must be true or false, but "${value}" was provided`);
}

function numberOf(read: ContextReader, key: string): number | undefined {
  const value = text(read, key);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new Error(`context ${key} must be a number, but "${value}" was provided`);
  return number;
}

/** A concurrency number, or `none` (any case) for no reservation. */
function concurrencyOf(read: ContextReader, key: string): number | false | undefined {
  const value = text(read, key);
  if (value?.toLowerCase() === 'none') return false;
  return numberOf(read, key);
}

const listOf = (value: string | undefined): string[] | undefined => value?.split(',').map((item) => item.trim());

/**
 * ConveyorStack's props from CDK context values, each parsed strictly: a value
 * that is not what its option takes stops the synthesis with an error naming
 * the option and the value, instead of being read as the default (a
 * `destroyDataOnDelete=yes` must not quietly keep the data, nor a `False`
 * quietly destroy it). Ranges are checked afterwards by `resolveSettings`.
 *
 * @example
 * propsFromContext((key) => app.node.tryGetContext(key)); // -c destroyDataOnDelete=TRUE → { destroyDataOnDelete: true, … }
 */
export function propsFromContext(read: ContextReader): ConveyorStackProps {
  const props: ConveyorStackProps = {
    stackName: text(read, 'stackName'),
    resourcePrefix: text(read, 'resourcePrefix'),
    destroyDataOnDelete: booleanOf(read, 'destroyDataOnDelete'),
    jwtIssuer: text(read, 'jwtIssuer'),
    jwtAudience: listOf(text(read, 'jwtAudience')),
    jwtGrantsClaim: text(read, 'jwtGrantsClaim'),
    alarmEmail: text(read, 'alarmEmail'),
    logLevel: text(read, 'logLevel') as LogLevel | undefined,
    throttleRateLimit: numberOf(read, 'throttleRateLimit'),
    throttleBurstLimit: numberOf(read, 'throttleBurstLimit'),
    scheduleTargetConcurrency: concurrencyOf(read, 'scheduleTargetConcurrency'),
    logCompression: text(read, 'logCompression') as LogCompression | undefined,
    fanOut: text(read, 'fanOut') as FanOut | undefined,
  };
  // Absent options stay absent, so that each prop's own default applies.
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined)) as ConveyorStackProps;
}
