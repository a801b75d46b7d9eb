import fc from 'fast-check';
import type { FuzzOperation, FuzzParameter } from './documentedOperations.js';
import { namesFor } from './fuzzFixture.js';
import { minimalValue, validValue, type ValueContext } from './schemaValues.js';

/** Path parameter values, not yet encoded. */
export type PathValues = Readonly<Record<string, string>>;

/**
 * Fills a template. Values are percent-encoded, except those in `raw`, which go
 * into the path exactly as given (`%2e%2e`, an empty segment, `a;b`).
 */
export function renderPath(template: string, values: PathValues, raw: PathValues = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_whole, name: string) => raw[name] ?? encodeURIComponent(values[name] ?? ''));
}

/** `?a=1&b=2`, each value percent-encoded (so `+` is `%2B`), or '' for none. */
export function renderQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.length === 0 ? '' : `?${pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}`;
}

/**
 * Valid path parameters. With `protectFixture`, the last one of a DELETE names only
 * scratch data, so that valid deletes never remove what hostile requests aim at.
 */
export function validPathValues(ctx: ValueContext, operation: FuzzOperation, protectFixture = true): fc.Arbitrary<PathValues> {
  const last = operation.pathParams[operation.pathParams.length - 1];
  const model = Object.fromEntries(
    operation.pathParams.map((parameter) => [
      parameter.name,
      validValue(ctx, parameter.schema, parameter.name, protectFixture && operation.method === 'DELETE' && parameter === last).map(String),
    ]),
  );
  return fc.record(model) as fc.Arbitrary<PathValues>;
}

/** Valid query parameters: required ones always, optional ones sometimes. */
export function validQueryPairs(ctx: ValueContext, parameters: readonly FuzzParameter[]): fc.Arbitrary<Array<[string, string]>> {
  const entries = parameters.map((parameter) => {
    const value = validValue(ctx, parameter.schema, parameter.name).map((item): [string, string] => [parameter.name, String(item)]);
    return parameter.required ? value : fc.option(value, { nil: undefined });
  });
  return fc.tuple(...entries).map((pairs) => pairs.filter((pair): pair is [string, string] => pair !== undefined));
}

/** A valid body: generated from the schema, or one of the document's examples. */
export function validBody(ctx: ValueContext, operation: FuzzOperation): fc.Arbitrary<unknown> {
  const body = operation.body;
  if (body === undefined) return fc.constant(undefined);
  const generated = validValue(ctx, body.schema, 'body');
  const value = body.examples.length === 0 ? generated : fc.oneof({ weight: 3, arbitrary: generated }, { weight: 1, arbitrary: fc.constantFrom(...body.examples) });
  return body.required ? value : fc.option(value, { nil: undefined });
}

/** Everything of a valid request: the parts a hostile request changes one of. */
export interface ValidParts {
  readonly values: PathValues;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly body: unknown;
}

export function validParts(ctx: ValueContext, operation: FuzzOperation, protectFixture = true): fc.Arbitrary<ValidParts> {
  return fc.record({ values: validPathValues(ctx, operation, protectFixture), query: validQueryPairs(ctx, operation.queryParams), body: validBody(ctx, operation) });
}

/**
 * The simplest valid parts: the fixture's first names (a scratch name for the
 * resource a DELETE removes), no query, the smallest body.
 */
export function minimalParts(ctx: ValueContext, operation: FuzzOperation): ValidParts {
  const last = operation.pathParams[operation.pathParams.length - 1];
  const values = Object.fromEntries(
    operation.pathParams.map((parameter) => {
      const scratch = operation.method === 'DELETE' && parameter === last ? namesFor(parameter.name, true)[0] : undefined;
      return [parameter.name, String(scratch ?? minimalValue(ctx, parameter.schema, parameter.name))];
    }),
  );
  const body = operation.body === undefined ? undefined : minimalValue(ctx, operation.body.schema, 'body');
  return { values, query: [], body };
}
