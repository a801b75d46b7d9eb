/**
 * Lambda's event filtering, as an event source mapping applies it before it
 * invokes the function: a record goes to the function when any of the
 * mapping's patterns matches it, and is dropped otherwise. The local runner
 * applies the deployed template's patterns, so a filter that lets no record
 * through fails locally as it would on AWS.
 *
 * The syntax covered is what the stack's filters use: lists of allowed values
 * (strings, numbers, booleans, null), `{ exists: boolean }` and
 * `{ prefix: string }`. Any other operator throws, rather than letting a
 * record through that AWS might drop.
 *
 * @example
 * passesFilters([{ eventName: ['INSERT'], dynamodb: { NewImage: { n: { N: [{ exists: true }] } } } }], record); // true for an inserted record batch
 */
export type FilterPattern = Readonly<Record<string, unknown>>;

function allows(allowed: unknown, value: unknown): boolean {
  if (typeof allowed !== 'object' || allowed === null) return allowed === value;
  const [operator, operand, ...rest] = Object.entries(allowed).flat();
  if (rest.length > 0) throw new Error(`filter operator ${JSON.stringify(allowed)} is not emulated`);
  if (operator === 'exists') return (value !== undefined) === operand;
  if (operator === 'prefix' && typeof operand === 'string') return typeof value === 'string' && value.startsWith(operand);
  throw new Error(`filter operator ${JSON.stringify(allowed)} is not emulated`);
}

/** Whether `value` matches one pattern: every field of the pattern, nested objects field by field, lists as the values allowed there. */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((allowed) => allows(allowed, value));
  if (typeof pattern !== 'object' || pattern === null) throw new Error(`filter pattern ${JSON.stringify(pattern)} is neither a list nor an object`);
  return Object.entries(pattern).every(([name, inner]) => {
    const field = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
    // A field that is absent matches only `exists: false`.
    return field === undefined && !Array.isArray(inner) ? false : matchesPattern(inner, field);
  });
}

/** Whether a record passes a mapping's filters: any pattern matches, or there are none. */
export function passesFilters(patterns: readonly FilterPattern[], record: unknown): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, record));
}

type TemplateResources = Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>>;

/** The filter patterns of the template's event source mapping on a DynamoDB stream (the relay's), none when it has none. */
export function streamMappingFilters(template: { readonly Resources?: unknown }): FilterPattern[] {
  const resources = (template.Resources ?? {}) as TemplateResources;
  const mapping = Object.values(resources).find((resource) => {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping') return false;
    const source = resource.Properties?.['EventSourceArn'] as { 'Fn::GetAtt'?: unknown[] } | undefined;
    return source?.['Fn::GetAtt']?.[1] === 'StreamArn';
  });
  const criteria = mapping?.Properties?.['FilterCriteria'] as { Filters?: Array<{ Pattern: string }> } | undefined;
  return (criteria?.Filters ?? []).map(({ Pattern }) => JSON.parse(Pattern) as FilterPattern);
}
