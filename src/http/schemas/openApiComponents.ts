import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import * as fields from './fields.js';
import * as schedules from './schedules.js';
import * as subscriptions from './subscriptions.js';
import * as topics from './topics.js';

/** A JSON Schema object as docs/openapi.yaml holds it. */
export type JsonSchema = { [keyword: string]: unknown };

/** A request-body component of docs/openapi.yaml generated from the zod schema that validates it. */
export interface GeneratedComponent {
  /** The component's name under `#/components/schemas`, the schema's `.meta({ id })`. */
  readonly name: string;
  /** Where the zod schema is, e.g. `src/http/schemas/topics.ts#putTopicBody`. */
  readonly source: string;
  /** The component as the document holds it: `x-generated-from` first, then the JSON Schema of the body as a request sends it. */
  readonly schema: JsonSchema;
}

/**
 * Components the document writes by hand, which generated bodies reach by `$ref` only:
 * the checks of JsonValue and Attributes are refinements JSON Schema cannot state, and
 * Name, Timestamp, EventPattern and StartFrom are shared with responses.
 */
export const DOCUMENT_OWNED = ['Name', 'Timestamp', 'JsonValue', 'Attributes', 'EventPattern', 'StartFrom'] as const;

const MODULES: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['src/http/schemas/fields.ts', fields],
  ['src/http/schemas/topics.ts', topics],
  ['src/http/schemas/subscriptions.ts', subscriptions],
  ['src/http/schemas/schedules.ts', schedules],
];

const COMPONENTS = '#/components/schemas/';
const UNREPRESENTABLE = 'x-unrepresentable';

/** The exported zod schemas that carry a component id, with where each is. */
function sources(): Map<string, string> {
  const found = new Map<string, string>();
  for (const [file, module] of MODULES) {
    for (const [name, value] of Object.entries(module)) {
      if (!(value instanceof z.ZodType)) continue;
      const id = z.globalRegistry.get(value)?.id;
      if (typeof id === 'string') found.set(id, `${file}#${name}`);
    }
  }
  return found;
}

/** Every `$ref` and every part JSON Schema cannot state, anywhere in `node`. */
function problemsIn(node: unknown, into: { refs: string[]; unrepresentable: boolean }): void {
  if (Array.isArray(node)) for (const item of node) problemsIn(item, into);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') into.refs.push(value);
      else if (key === UNREPRESENTABLE) into.unrepresentable = true;
      else problemsIn(value, into);
    }
  }
}

/**
 * The request-body components of docs/openapi.yaml, generated from the zod schemas that
 * validate the requests (`z.toJSONSchema` of what a request sends, `io: 'input'`), in the
 * order of their source files. Refinements spanning fields stay prose in the descriptions;
 * those JSON Schema can state are in the schema's meta too (`not`, `minProperties`).
 * Throws when a generated body holds something JSON Schema cannot state, or refers to a
 * component that is neither generated nor one of {@link DOCUMENT_OWNED}.
 *
 * @example
 * const pull = requestBodyComponents().find((component) => component.name === 'PullRequest');
 * pull?.schema['x-generated-from']; // 'src/http/schemas/subscriptions.ts#pullBody'
 */
export function requestBodyComponents(): GeneratedComponent[] {
  const where = sources();
  const converted = z.toJSONSchema(z.globalRegistry, {
    io: 'input',
    uri: (id) => `${COMPONENTS}${id}`,
    unrepresentable: () => ({ [UNREPRESENTABLE]: true }),
  }).schemas;
  const owned: ReadonlySet<string> = new Set(DOCUMENT_OWNED);
  const generated: GeneratedComponent[] = [];
  for (const [name, source] of where) {
    if (owned.has(name)) continue;
    const { $schema: _dialect, $id: _id, ...body } = converted[name] as JsonSchema;
    const found = { refs: [] as string[], unrepresentable: false };
    problemsIn(body, found);
    if (found.unrepresentable) throw new Error(`${name} (${source}) holds a part JSON Schema cannot state: give it a .meta({ id }) of a component of docs/openapi.yaml`);
    const unknown = found.refs.map((ref) => ref.slice(COMPONENTS.length)).filter((id) => !owned.has(id) && !where.has(id));
    if (unknown.length > 0) throw new Error(`${name} (${source}) refers to ${unknown.join(', ')}, which is neither generated nor written by hand in docs/openapi.yaml`);
    generated.push({ name, source, schema: { 'x-generated-from': source, ...body } });
  }
  return generated;
}

/**
 * What in `schemas` (components.schemas of docs/openapi.yaml) differs from the generated
 * request-body components, one line each naming the component and the command that writes
 * it; empty when the document is current. A component marked `x-generated-from` that
 * nothing generates any more is stale too.
 *
 * @example
 * staleComponents(parse(readFileSync('docs/openapi.yaml', 'utf8')).components.schemas); // [] when current
 */
export function staleComponents(schemas: Readonly<Record<string, unknown>>, generated: readonly GeneratedComponent[] = requestBodyComponents()): string[] {
  const fix = 'run npm run generate:openapi';
  const names = new Set(generated.map((component) => component.name));
  const differing = generated
    .filter((component) => !isDeepStrictEqual(schemas[component.name], component.schema))
    .map(({ name, source }) =>
      schemas[name] === undefined
        ? `docs/openapi.yaml has no component ${name} (from ${source}): add it under components.schemas and ${fix}`
        : `docs/openapi.yaml: ${name} differs from ${source}: ${fix}`,
    );
  const orphans = Object.entries(schemas)
    .filter(([name, schema]) => !names.has(name) && typeof schema === 'object' && schema !== null && 'x-generated-from' in schema)
    .map(([name]) => `docs/openapi.yaml: ${name} is marked x-generated-from but no zod schema has its id: write it by hand without the mark, or give a schema .meta({ id: '${name}' })`);
  return [...differing, ...orphans];
}
