import type { z } from 'zod';
import { NAME_PATTERN } from '../domain/constants.js';
import { InvalidNameError, InvalidRequestError } from '../domain/errors.js';

function label(where: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${String(part)}`), where);
}

/**
 * Parses input at the boundary. Every problem is named with its path and the
 * value received; the first few are joined into one InvalidRequest message.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) => {
    if (issue.code === 'unrecognized_keys') return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
    return `${label(where, issue.path)} ${issue.message}`;
  });
  throw new InvalidRequestError(problems.join('; '), { details: { problems } });
}

/** Checks a topic, subscription, group or schedule name from the path. */
export function name(kind: string, value: string | undefined): string {
  let decoded = value;
  try {
    decoded = value === undefined ? undefined : decodeURIComponent(value);
  } catch {
    // keep the raw text: it is reported as invalid below
  }
  if (decoded === undefined || !NAME_PATTERN.test(decoded)) throw new InvalidNameError(kind, decoded);
  return decoded;
}
