import { deepArrays } from './hostileValues.js';
import { PROSE_LIMITS } from './proseLimits.js';
import { lowerBound, minimalValue, patternOf, siteRef, typeOf, upperBound, type Site, type ValueContext } from './schemaValues.js';

/** A value at or just past one documented limit, with what it tests. */
export interface LimitValue {
  readonly value: unknown;
  readonly note: string;
}

const fill = (length: number): string => 'x'.repeat(length);

/**
 * The longest string a pattern like `^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$` allows
 * (one class, then a bounded repeat of another), or undefined for other shapes.
 */
export function patternMaxLength(pattern: RegExp): number | undefined {
  const match = /^\^(\[[^\]]+\])\[[^\]]+\]\{(\d+),(\d+)\}\$$/.exec(pattern.source);
  return match === null ? undefined : 1 + Number(match[3]);
}

function numberLimits(schema: Record<string, unknown>, integer: boolean): LimitValue[] {
  const values: LimitValue[] = [];
  const min = lowerBound(schema);
  const max = upperBound(schema);
  if (min !== undefined) values.push({ value: min, note: `minimum ${min}` }, { value: min - 1, note: `minimum ${min} - 1` });
  if (max !== undefined) values.push({ value: max, note: `maximum ${max}` }, { value: max + 1, note: `maximum ${max} + 1` });
  if (integer) values.push({ value: (min ?? 0) + 0.5, note: 'not an integer' });
  return values;
}

function stringLimits(schema: Record<string, unknown>): LimitValue[] {
  const values: LimitValue[] = [];
  const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : undefined;
  const maxLength = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : undefined;
  if (minLength !== undefined && minLength > 0) values.push({ value: fill(minLength - 1), note: `minLength ${minLength} - 1` }, { value: fill(minLength), note: `minLength ${minLength}` });
  if (maxLength !== undefined) values.push({ value: fill(maxLength), note: `maxLength ${maxLength}` }, { value: fill(maxLength + 1), note: `maxLength ${maxLength} + 1` });
  const pattern = patternOf(schema);
  const longest = pattern === undefined ? undefined : patternMaxLength(pattern);
  if (longest !== undefined) values.push({ value: 'a'.repeat(longest), note: `${longest} characters, the pattern's longest` }, { value: 'a'.repeat(longest + 1), note: `${longest + 1} characters, one past the pattern's longest` });
  return values;
}

function countLimits(site: Site, make: (count: number) => unknown, minKey: string, maxKey: string, what: string): LimitValue[] {
  const values: LimitValue[] = [];
  const min = typeof site.schema[minKey] === 'number' ? (site.schema[minKey] as number) : undefined;
  const max = typeof site.schema[maxKey] === 'number' ? (site.schema[maxKey] as number) : undefined;
  if (min !== undefined && min > 0) values.push({ value: make(min - 1), note: `${min - 1} ${what} (${minKey} ${min} - 1)` }, { value: make(min), note: `${min} ${what} (${minKey})` });
  if (max !== undefined) values.push({ value: make(max), note: `${max} ${what} (${maxKey})` }, { value: make(max + 1), note: `${max + 1} ${what} (${maxKey} ${max} + 1)` });
  return values;
}

/** Message bodies and attributes at and just past the nesting and byte limits the document states in prose. */
function messageLimits(ctx: ValueContext, site: Site): LimitValue[] {
  const ref = siteRef(site);
  const limits = ref === undefined ? undefined : PROSE_LIMITS[ref];
  if (limits === undefined) return [];
  const base = minimalValue(ctx, site.node, site.field) as Record<string, unknown>;
  // A string body of n characters is stored as n + 2 bytes (its quotes).
  const bodyOf = (bytes: number): string => fill(bytes - 2);
  const big = Math.floor(4.5 * 1024 * 1024);
  return [
    { value: { ...base, body: deepArrays(limits.bodyDepth) }, note: `body nested ${limits.bodyDepth} deep (the limit)` },
    { value: { ...base, body: deepArrays(limits.bodyDepth + 1) }, note: `body nested ${limits.bodyDepth + 1} deep (limit + 1)` },
    { value: { ...base, body: bodyOf(limits.messageBytes) }, note: `a message of exactly ${limits.messageBytes} bytes` },
    { value: { ...base, body: bodyOf(limits.messageBytes + 1) }, note: `a message of ${limits.messageBytes + 1} bytes (limit + 1)` },
    { value: { ...base, body: 'tiny', attributes: { big: fill(big) } }, note: `body "tiny" and a ${big}-byte attribute` },
    // "tiny" is stored as 6 bytes, the key and the attribute name as 1 each.
    { value: { ...base, body: 'tiny', key: 'k', attributes: { a: fill(limits.messageBytes - 8) } }, note: `a message of exactly ${limits.messageBytes} bytes, most of it one attribute` },
    { value: { ...base, body: 'tiny', key: 'k', attributes: { a: fill(limits.messageBytes - 7) } }, note: `a message of ${limits.messageBytes + 1} bytes, most of it one attribute` },
  ];
}

/** Values at and just past every limit the schema at a site documents. */
export function limitValues(ctx: ValueContext, site: Site): LimitValue[] {
  const values = limitValuesOf(ctx, site);
  if (!(site.field in ctx.pinned)) return values;
  // A pinned field (waitSeconds) takes no other valid value: only its pin and values past a limit.
  const min = lowerBound(site.schema) ?? Number.NEGATIVE_INFINITY;
  const max = upperBound(site.schema) ?? Number.POSITIVE_INFINITY;
  return values.filter(({ value }) => value === ctx.pinned[site.field] || typeof value !== 'number' || value < min || value > max || !Number.isInteger(value));
}

function limitValuesOf(ctx: ValueContext, site: Site): LimitValue[] {
  const type = typeOf(site.schema);
  const item = (): unknown => minimalValue(ctx, site.schema['items'], site.field);
  const entry = (count: number): Record<string, unknown> =>
    Object.fromEntries(Array.from({ length: count }, (_, index) => [`a${index}`, minimalValue(ctx, site.schema['additionalProperties'], site.field)]));
  switch (type) {
    case 'integer':
      return numberLimits(site.schema, true);
    case 'number':
      return numberLimits(site.schema, false);
    case 'string':
      return stringLimits(site.schema);
    case 'array':
      return countLimits(site, (count) => Array.from({ length: count }, item), 'minItems', 'maxItems', 'items');
    case 'object': {
      const names = site.schema['propertyNames'];
      const nameLimits =
        typeof names === 'object' && names !== null
          ? stringLimits(names as Record<string, unknown>).map(({ value, note }) => ({ value: { [String(value)]: minimalValue(ctx, site.schema['additionalProperties'], site.field) }, note: `a key of ${note}` }))
          : [];
      return [...countLimits(site, entry, 'minProperties', 'maxProperties', 'entries'), ...nameLimits, ...messageLimits(ctx, site)];
    }
    default:
      return [];
  }
}
