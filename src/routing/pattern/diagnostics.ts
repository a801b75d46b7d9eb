import { InvalidFilterError } from '../../domain/errors.js';

/** Error paths start here, so a message reads `filter.body.price: …`. */
export const ROOT_PATH = 'filter';

const MAX_SHOWN = 80;
const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

export function childPath(path: string, key: string): string {
  return PLAIN_KEY.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Renders a received value for an error message, short enough to stay readable. */
export function describeValue(value: unknown): string {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return String(typeof value);
  }
  if (typeof value === 'bigint' || (typeof value === 'number' && !Number.isFinite(value))) {
    return String(value);
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return 'a value that is not JSON';
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

export function fail(path: string, problem: string): never {
  throw new InvalidFilterError(`${path}: ${problem}`);
}
