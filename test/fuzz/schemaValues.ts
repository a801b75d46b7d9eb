import fc from 'fast-check';
import type { OpenApiDocument } from '../helpers/openapi.js';
import { deref, refOf, type Schema } from './documentedOperations.js';
import { namesFor } from './fuzzFixture.js';
import { Recent } from './jsonText.js';

/** What value generation needs besides a schema. */
export interface ValueContext {
  readonly doc: OpenApiDocument;
  /**
   * Fields whose valid value is fixed. `waitSeconds` stays 0: a valid long-poll on
   * the frozen clock would hold the request until the client gives up, and the
   * fuzzer sends one request at a time.
   */
  readonly pinned: Readonly<Record<string, unknown>>;
  /** Array fields whose items are partly values the broker issued (ack ids, message ids). */
  readonly recentPools: ReadonlySet<string>;
}

/** A fixed instant, so that generated requests do not depend on the day they run. */
export const SOME_INSTANT = '2026-01-01T00:00:00.000Z';

export function typeOf(schema: Schema): string | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((entry) => entry !== 'null') as string | undefined;
  if (schema['properties'] !== undefined) return 'object';
  if (schema['items'] !== undefined) return 'array';
  return undefined;
}

const num = (schema: Schema, key: string): number | undefined => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);

export function lowerBound(schema: Schema): number | undefined {
  const exclusive = num(schema, 'exclusiveMinimum');
  return num(schema, 'minimum') ?? (exclusive === undefined ? undefined : exclusive + 1);
}

export function upperBound(schema: Schema): number | undefined {
  const exclusive = num(schema, 'exclusiveMaximum');
  return num(schema, 'maximum') ?? (exclusive === undefined ? undefined : exclusive - 1);
}

export function patternOf(schema: Schema): RegExp | undefined {
  return typeof schema['pattern'] === 'string' ? new RegExp(schema['pattern'], 'u') : undefined;
}

/** Pool names matching the pattern: valid requests address data that exists. */
function poolNames(field: string, pattern: RegExp, scratchOnly: boolean): string[] {
  return namesFor(field, scratchOnly).filter((name) => pattern.test(name));
}

function properties(schema: Schema): Record<string, unknown> {
  const props = schema['properties'];
  return typeof props === 'object' && props !== null ? (props as Record<string, unknown>) : {};
}

function required(schema: Schema): string[] {
  return Array.isArray(schema['required']) ? schema['required'].map(String) : [];
}

function additional(schema: Schema): unknown {
  const extra = schema['additionalProperties'];
  return typeof extra === 'object' && extra !== null ? extra : undefined;
}

/** Drops one field of a `not: {required: [a, b]}` pair when all are present (delaySeconds and deliverAt). */
function honourNot(schema: Schema, value: Record<string, unknown>): Record<string, unknown> {
  const not = schema['not'];
  const excluded = typeof not === 'object' && not !== null ? (not as Schema)['required'] : undefined;
  if (!Array.isArray(excluded) || !excluded.every((key) => String(key) in value)) return value;
  const { [String(excluded[excluded.length - 1])]: _dropped, ...rest } = value;
  return rest;
}

/** The smallest valid value of a schema: required fields only, every number at its minimum. */
export function minimalValue(ctx: ValueContext, node: unknown, field: string): unknown {
  if (field in ctx.pinned) return ctx.pinned[field];
  const schema = deref(ctx.doc, node);
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  const minLength = num(schema, 'minLength') ?? 0;
  switch (typeOf(schema)) {
    case 'string': {
      if (schema['format'] === 'date-time') return SOME_INSTANT;
      const pattern = patternOf(schema);
      if (pattern !== undefined) return poolNames(field, pattern, false)[0] ?? 'a';
      return 'x'.repeat(Math.max(minLength, 1));
    }
    case 'integer':
    case 'number':
      return Math.min(lowerBound(schema) ?? 0, upperBound(schema) ?? Number.MAX_SAFE_INTEGER);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: num(schema, 'minItems') ?? 0 }, () => minimalValue(ctx, schema['items'], field));
    case 'object':
      return Object.fromEntries(required(schema).map((key) => [key, minimalValue(ctx, properties(schema)[key], key)]));
    default:
      return {};
  }
}

const smallJson = fc.jsonValue({ maxDepth: 2 });
const timestamps = fc.oneof(
  fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms).toISOString()),
  fc.constantFrom(SOME_INSTANT, '2026-01-01T02:00:00+02:00', '2026-01-01T00:00:00Z', '2025-12-31T19:00:00.5-05:00'),
);

function validString(schema: Schema, field: string, scratchOnly: boolean): fc.Arbitrary<string> {
  if (schema['format'] === 'date-time') return timestamps;
  const pattern = patternOf(schema);
  if (pattern !== undefined) {
    const pool = poolNames(field, pattern, scratchOnly);
    const random = fc.stringMatching(pattern);
    if (scratchOnly && pool.length > 0) return fc.constantFrom(...pool);
    return pool.length === 0 ? random : fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: random });
  }
  const minLength = num(schema, 'minLength') ?? 0;
  const maxLength = Math.min(num(schema, 'maxLength') ?? minLength + 24, minLength + 24);
  return fc.oneof(fc.string({ minLength, maxLength }), fc.string({ minLength, maxLength, unit: 'binary' }));
}

function validNumber(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = lowerBound(schema) ?? -1000;
  const max = upperBound(schema) ?? min + 100_000;
  if (!integer) return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ weight: 3, arbitrary: fc.integer({ min, max: Math.min(max, min + 3) }) }, { weight: 1, arbitrary: fc.integer({ min, max }) });
}

/**
 * Valid values of a schema, mostly small, drawing names from the fixture's pools.
 * `scratchOnly` restricts names to the scratch pool (for what a valid DELETE removes).
 */
export function validValue(ctx: ValueContext, node: unknown, field: string, scratchOnly = false, depth = 0): fc.Arbitrary<unknown> {
  if (field in ctx.pinned) return fc.constant(ctx.pinned[field]);
  const schema = deref(ctx.doc, node);
  if ('const' in schema) return fc.constant(schema['const']);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  switch (typeOf(schema)) {
    case 'string':
      return validString(schema, field, scratchOnly);
    case 'integer':
      return validNumber(schema, true);
    case 'number':
      return validNumber(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = num(schema, 'minItems') ?? 0;
      const maxLength = Math.min(num(schema, 'maxItems') ?? minLength + 3, minLength + 3);
      const item = validValue(ctx, schema['items'], field, scratchOnly, depth + 1);
      const items = ctx.recentPools.has(field) ? fc.oneof(fc.nat(31).map((index) => new Recent(field, index)), item) : item;
      return fc.array(items, { minLength, maxLength });
    }
    case 'object': {
      const props = properties(schema);
      const extra = additional(schema);
      if (Object.keys(props).length === 0 && extra !== undefined) {
        const maxKeys = Math.min(num(schema, 'maxProperties') ?? 3, 3);
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), validValue(ctx, extra, field, scratchOnly, depth + 1), { maxKeys });
      }
      if (Object.keys(props).length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), smallJson, { maxKeys: 3 });
      const model = Object.fromEntries(Object.entries(props).map(([key, child]) => [key, validValue(ctx, child, key, scratchOnly, depth + 1)]));
      return fc.record(model, { requiredKeys: required(schema).filter((key) => key in props) }).map((value) => honourNot(schema, value as Record<string, unknown>));
    }
    default:
      return smallJson;
  }
}

/** A place in a request body, and how to build a whole body, otherwise minimal and valid, with a value there. */
export interface Site {
  readonly label: string;
  readonly node: unknown;
  readonly schema: Schema;
  readonly field: string;
  readonly put: (value: unknown) => unknown;
}

/** Every field of a body schema down to `maxDepth`, the body itself first. */
export function sitesOf(ctx: ValueContext, node: unknown, label = 'body', field = 'body', put: (value: unknown) => unknown = (value) => value, maxDepth = 4): Site[] {
  const schema = deref(ctx.doc, node);
  const here: Site = { label, node, schema, field, put };
  if (maxDepth === 0) return [here];
  const children: Site[] = [];
  const type = typeOf(schema);
  if (type === 'object') {
    const base = minimalValue(ctx, node, field) as Record<string, unknown>;
    for (const [key, child] of Object.entries(properties(schema))) {
      children.push(...sitesOf(ctx, child, `${label}.${key}`, key, (value) => put({ ...base, [key]: value }), maxDepth - 1));
    }
    const extra = additional(schema);
    if (extra !== undefined) children.push(...sitesOf(ctx, extra, `${label}.k`, field, (value) => put({ ...base, k: value }), maxDepth - 1));
  } else if (type === 'array' && schema['items'] !== undefined) {
    const rest = (minimalValue(ctx, node, field) as unknown[]).slice(1);
    children.push(...sitesOf(ctx, schema['items'], `${label}[0]`, field, (value) => put([value, ...rest]), maxDepth - 1));
  }
  return [here, ...children];
}

/** The schema reference a site is an instance of, e.g. `#/components/schemas/OutgoingMessage`. */
export function siteRef(site: Site): string | undefined {
  return refOf(site.node);
}
