import fc from 'fast-check';
import type { FuzzOperation } from './documentedOperations.js';
import { FuzzRequest, type FuzzBody, type Generated } from './FuzzRequest.js';
import {
  CONTENT_TYPES,
  deepArrays,
  DOT_INSERTS,
  HOSTILE_BODY_TEXTS,
  HOSTILE_QUERIES,
  HOSTILE_SEGMENTS,
  IMPOSSIBLE_DATES,
  NAME_LIKE,
  PATH_PREFIXES,
  PATH_SUFFIXES,
  QUERY_VALUES,
  WRONG_TYPES,
} from './hostileValues.js';
import { preview, toJsonText } from './jsonText.js';
import { limitValues } from './limitValues.js';
import { REQUEST_BYTES } from './proseLimits.js';
import { minimalParts, renderPath, renderQuery, validParts, type PathValues, type ValidParts } from './requestParts.js';
import { minimalValue, patternOf, sitesOf, type Site, type ValueContext } from './schemaValues.js';

/** One way of making a request out of valid parts: applied lazily, so 5 MiB bodies exist only when drawn. */
type Case = (parts: ValidParts) => FuzzRequest;

/** How a request differs from the valid one its parts make. */
interface Change {
  readonly note: string;
  readonly raw?: PathValues;
  readonly path?: (valid: string) => string;
  readonly query?: string;
  /** `null` sends no body. */
  readonly body?: FuzzBody | null;
  readonly headers?: Readonly<Record<string, string>>;
  readonly chunked?: boolean;
}

export function build(operation: FuzzOperation, parts: ValidParts, change: Change): FuzzRequest {
  const valid = renderPath(operation.template, parts.values, change.raw);
  const path = change.path === undefined ? valid : change.path(valid);
  const body = change.body === null ? undefined : (change.body ?? (parts.body === undefined ? undefined : { json: parts.body }));
  return new FuzzRequest({
    aim: operation.id,
    note: change.note,
    method: operation.method,
    target: `${path}${change.query ?? renderQuery(parts.query)}`,
    ...(body === undefined ? {} : { body }),
    ...(change.headers === undefined ? {} : { headers: change.headers }),
    ...(change.chunked === undefined ? {} : { chunked: change.chunked }),
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const jsonText = (text: string): FuzzBody => ({ text });

function generated(ctx: ValueContext, operation: FuzzOperation, cases: readonly Case[], examples: readonly Case[], protectFixture = true): Generated | undefined {
  if (cases.length === 0) return undefined;
  return {
    arbitrary: fc.tuple(validParts(ctx, operation, protectFixture), fc.constantFrom(...cases)).map(([parts, make]) => make(parts)),
    examples: () => examples.map((make) => make(minimalParts(ctx, operation))),
  };
}

/** Schema-valid requests, some straight from the document's examples: the happy paths. */
export function validRequests(ctx: ValueContext, operation: FuzzOperation): Generated {
  return { arbitrary: validParts(ctx, operation).map((parts) => build(operation, parts, { note: 'valid' })), examples: () => [] };
}

function paramSite(operation: FuzzOperation, name: string): Site {
  const parameter = [...operation.pathParams, ...operation.queryParams].find((entry) => entry.name === name);
  return { label: name, node: parameter?.schema, schema: parameter?.schema ?? {}, field: name, put: (value) => value };
}

/**
 * Every field, path and query parameter at and just past each documented limit;
 * bodies of exactly 5 MiB and one byte more. Each case is also an example, so
 * every limit is tried on every run.
 */
export function limitRequests(ctx: ValueContext, operation: FuzzOperation): Generated | undefined {
  const cases: Case[] = [];
  for (const parameter of operation.pathParams) {
    for (const { value, note } of limitValues(ctx, paramSite(operation, parameter.name))) {
      cases.push((parts) => build(operation, parts, { note: `{${parameter.name}}: ${note}`, raw: { [parameter.name]: encodeURIComponent(String(value)) } }));
    }
  }
  for (const parameter of operation.queryParams) {
    for (const { value, note } of limitValues(ctx, paramSite(operation, parameter.name))) {
      cases.push((parts) => build(operation, parts, { note: `?${parameter.name}: ${note}`, query: renderQuery([...parts.query.filter(([name]) => name !== parameter.name), [parameter.name, String(value)]]) }));
    }
  }
  const body = operation.body;
  if (body !== undefined) {
    for (const site of sitesOf(ctx, body.schema)) {
      for (const { value, note } of limitValues(ctx, site)) cases.push((parts) => build(operation, parts, { note: `${site.label}: ${note}`, body: { json: site.put(value) } }));
    }
    // Insignificant whitespace pads a minimal valid body to the exact request limit.
    const padded = (bytes: number): string => {
      const text = JSON.stringify(minimalValue(ctx, body.schema, 'body'));
      return `${text}${' '.repeat(bytes - Buffer.byteLength(text))}`;
    };
    cases.push(
      (parts) => build(operation, parts, { note: `a valid body of exactly ${REQUEST_BYTES} bytes`, body: jsonText(padded(REQUEST_BYTES)), headers: JSON_TYPE }),
      (parts) => build(operation, parts, { note: `a body of ${REQUEST_BYTES + 1} bytes`, body: jsonText(padded(REQUEST_BYTES + 1)), headers: JSON_TYPE }),
      (parts) => build(operation, parts, { note: `a chunked body of ${REQUEST_BYTES + 1} bytes`, body: jsonText(padded(REQUEST_BYTES + 1)), headers: JSON_TYPE, chunked: true }),
    );
  }
  return generated(ctx, operation, cases, cases);
}

/** Values for a body field: wrong types, deep and wide JSON, huge numbers, and impossible dates or path tricks where the field is a date or a name. */
function hostileFieldValues(site: Site): readonly unknown[] {
  const extra = site.schema['format'] === 'date-time' ? IMPOSSIBLE_DATES : patternOf(site.schema) !== undefined ? NAME_LIKE : [];
  return [...WRONG_TYPES, ...extra];
}

/**
 * Hostile values in every body field and query parameter, whole bodies that are
 * not objects or not JSON, bad content types. Examples on every run: a `null`
 * body, 5,000 nested arrays in each typed field, an impossible date in each date.
 */
export function hostileValueRequests(ctx: ValueContext, operation: FuzzOperation): Generated | undefined {
  const cases: Case[] = [];
  const examples: Case[] = [];
  const body = operation.body;
  if (body !== undefined) {
    for (const site of sitesOf(ctx, body.schema)) {
      for (const value of hostileFieldValues(site)) cases.push((parts) => build(operation, parts, { note: `${site.label} = ${preview(value, 60)}`, body: { json: site.put(value) } }));
      const headline = site.schema['format'] === 'date-time' ? '2027-02-31T00:00:00Z' : site.label !== 'body' && Object.keys(site.schema).some((key) => ['type', 'properties', '$ref'].includes(key)) ? deepArrays(5000) : undefined;
      if (headline !== undefined) examples.push((parts) => build(operation, parts, { note: `${site.label} = ${preview(headline, 60)}`, body: { json: site.put(headline) } }));
    }
    examples.push((parts) => build(operation, parts, { note: 'the body null', body: jsonText('null'), headers: JSON_TYPE }));
    for (const text of HOSTILE_BODY_TEXTS) cases.push((parts) => build(operation, parts, { note: `the body ${preview(text, 40)}`, body: jsonText(text), headers: JSON_TYPE }));
    for (const type of CONTENT_TYPES) {
      const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
      cases.push((parts) => build(operation, parts, { note: `a JSON body sent as ${type ?? '(no content-type)'}`, body: jsonText(toJsonText(parts.body ?? minimalValue(ctx, body.schema, 'body'), () => undefined)), headers }));
    }
    cases.push(
      (parts) => build(operation, parts, { note: 'a valid body sent chunked', chunked: true }),
      (parts) => build(operation, parts, { note: 'a valid body after expect: 100-continue', headers: { ...JSON_TYPE, expect: '100-continue' } }),
    );
  } else {
    cases.push(
      (parts) => build(operation, parts, { note: 'a JSON body on an operation that takes none', body: { json: {} } }),
      (parts) => build(operation, parts, { note: 'a null body on an operation that takes none', body: jsonText('null'), headers: JSON_TYPE }),
      (parts) => build(operation, parts, { note: 'a text body on an operation that takes none', body: jsonText('x'), headers: { 'content-type': 'text/plain' } }),
      (parts) => build(operation, parts, { note: 'malformed JSON on an operation that takes none', body: jsonText('{"a":'), headers: JSON_TYPE }),
    );
  }
  for (const parameter of operation.queryParams) {
    const values = [...QUERY_VALUES, ...(parameter.schema['format'] === 'date-time' ? IMPOSSIBLE_DATES : [])];
    for (const value of values) {
      const encoded = value.startsWith('%') ? value : encodeURIComponent(value);
      const make: Case = (parts) => {
        const others = renderQuery(parts.query.filter(([name]) => name !== parameter.name));
        return build(operation, parts, { note: `?${parameter.name}=${preview(value, 40)}`, query: `${others === '' ? '?' : `${others}&`}${parameter.name}=${encoded}` });
      };
      cases.push(make);
      if (value === IMPOSSIBLE_DATES[1]) examples.push(make);
    }
  }
  for (const query of HOSTILE_QUERIES) cases.push((parts) => build(operation, parts, { note: `the query ${preview(query, 40)}`, query }));
  return generated(ctx, operation, cases, examples);
}

/**
 * Dot segments, empty segments, NUL, encoded slashes, overlong names in each
 * parameter (the last parameter first, so a failure shrinks to the case that
 * once deleted a whole topic); dot segments and `//` around the path. Examples
 * on every run: `%2e%2e` in each parameter and a leading `//x`.
 */
export function hostilePathRequests(ctx: ValueContext, operation: FuzzOperation): Generated {
  const cases: Case[] = [];
  for (const segment of HOSTILE_SEGMENTS) {
    for (const parameter of [...operation.pathParams].reverse()) {
      cases.push((parts) => build(operation, parts, { note: `{${parameter.name}} sent as ${preview(segment, 30)}`, raw: { [parameter.name]: segment } }));
    }
  }
  const examples = cases.slice(0, operation.pathParams.length);
  for (const suffix of PATH_SUFFIXES) cases.push((parts) => build(operation, parts, { note: `${preview(suffix, 30)} after the path`, path: (valid) => `${valid}${suffix}` }));
  for (const prefix of PATH_PREFIXES) cases.push((parts) => build(operation, parts, { note: `${prefix} before the path`, path: (valid) => `${prefix}${valid}` }));
  examples.push((parts) => build(operation, parts, { note: '//x before the path', path: (valid) => `//x${valid}` }));
  const segments = operation.template.split('/').length;
  for (const insert of DOT_INSERTS) {
    for (let at = 1; at < segments; at += 1) {
      cases.push((parts) =>
        build(operation, parts, {
          note: `${insert} inserted before segment ${at}`,
          path: (valid) => {
            const split = valid.split('/');
            return `${split.slice(0, at).join('/')}${insert}/${split.slice(at).join('/')}`;
          },
        }),
      );
    }
  }
  for (let at = 1; at < segments; at += 1) {
    cases.push((parts) => build(operation, parts, { note: `segment ${at} in upper case`, path: (valid) => valid.split('/').map((segment, index) => (index === at ? segment.toUpperCase() : segment)).join('/') }));
  }
  return generated(ctx, operation, cases, examples, false) ?? validRequests(ctx, operation);
}
