import type { z } from 'zod';
import { NAME_PATTERN } from '../domain/constants.js';
import { InvalidNameError, InvalidRequestError, preview } from '../domain/errors.js';

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
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.slice(0, 5).map((key) => preview(key, 40));
      const more = issue.keys.length > keys.length ? ` and ${issue.keys.length - keys.length} more` : '';
      return `${label(where, issue.path)}: unknown field${issue.keys.length > 1 ? 's' : ''} ${keys.join(', ')}${more}`;
    }
    return `${label(where, issue.path)} ${issue.message}`;
  });
  throw new InvalidRequestError(problems.join('; '), { details: { problems } });
}

/**
 * Parses a request body that must be a JSON object. `optional` routes treat a
 * missing body as `{}`; a body that was sent must be an object even then, so
 * `null`, arrays and scalars are refused rather than read as "no settings".
 *
 * @example
 * const { max } = parseBody(pullBody, request.body, { optional: true });
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, options: { readonly optional?: boolean } = {}): z.output<S> {
  if (body === undefined) {
    if (options.optional === true) return parse(schema, {}, 'body');
    throw new InvalidRequestError('body is required: send a JSON object with content-type application/json');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequestError(`body must be a JSON object, but ${preview(body)} was provided`);
  }
  return parse(schema, body, 'body');
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
