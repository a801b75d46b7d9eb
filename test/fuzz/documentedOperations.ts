import { HTTP_METHODS, resolvePointer, toJsonPointer, type OpenApiDocument } from '../helpers/openapi.js';

/** A JSON Schema node as docs/openapi.yaml writes it (possibly a `$ref`). */
export type Schema = Readonly<Record<string, unknown>>;

export interface FuzzParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly schema: Schema;
  /** JSON pointer of the schema, for the validator. */
  readonly pointer: string;
}

export interface FuzzRequestBody {
  readonly required: boolean;
  readonly schema: Schema;
  /** JSON pointer of the schema, for the validator. */
  readonly pointer: string;
  /** The document's own examples of this body: valid requests to start from. */
  readonly examples: readonly unknown[];
}

/** One operation of the document, with everything a request to it can vary. */
export interface FuzzOperation {
  /** The operationId, or `METHOD template`. */
  readonly id: string;
  readonly method: string;
  readonly template: string;
  /** In the order they appear in the template. */
  readonly pathParams: readonly FuzzParameter[];
  readonly queryParams: readonly FuzzParameter[];
  readonly body: FuzzRequestBody | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Follows `$ref` chains; keywords next to a `$ref` (OpenAPI 3.1 allows them) are kept
 * on top of the referenced schema.
 */
export function deref(doc: OpenApiDocument, node: unknown): Schema {
  let current: unknown = node;
  let siblings: Record<string, unknown> = {};
  for (let hops = 0; isObject(current) && typeof current['$ref'] === 'string'; hops += 1) {
    if (hops > 20) throw new Error(`reference cycle at ${String(current['$ref'])}`);
    const { $ref, ...rest } = current;
    siblings = { ...rest, ...siblings };
    current = resolvePointer(doc, $ref as string);
    if (current === undefined) throw new Error(`docs/openapi.yaml: ${String($ref)} does not resolve`);
  }
  return isObject(current) ? { ...current, ...siblings } : siblings;
}

/** The `$ref` target of a node, e.g. `#/components/schemas/OutgoingMessage`, if it is one. */
export function refOf(node: unknown): string | undefined {
  return isObject(node) && typeof node['$ref'] === 'string' ? node['$ref'] : undefined;
}

/** Parameters of a path item and of its operation (the operation's win), with their schemas' pointers. */
function parameters(doc: OpenApiDocument, lists: ReadonlyArray<{ readonly list: readonly unknown[] | undefined; readonly pointer: readonly string[] }>): FuzzParameter[] {
  const byKey = new Map<string, FuzzParameter>();
  for (const { list, pointer } of lists) {
    (list ?? []).forEach((raw, index) => {
      const parameter = deref(doc, raw);
      const where = parameter['in'];
      if (where !== 'path' && where !== 'query') return;
      const name = String(parameter['name']);
      const ref = refOf(raw);
      const schemaPointer = ref === undefined ? `${toJsonPointer([...pointer, String(index)])}/schema` : `${decodeURIComponent(ref.slice(1))}/schema`;
      byKey.set(`${where}:${name}`, { name, in: where, required: parameter['required'] === true, schema: deref(doc, parameter['schema'] ?? {}), pointer: schemaPointer });
    });
  }
  return [...byKey.values()];
}

function requestBody(doc: OpenApiDocument, template: string, method: string, raw: unknown): FuzzRequestBody | undefined {
  if (raw === undefined) return undefined;
  const body = deref(doc, raw);
  const content = isObject(body['content']) ? body['content'] : {};
  const mediaType = Object.keys(content).find((type) => /^application\/json\b/i.test(type));
  if (mediaType === undefined) return undefined;
  const media = deref(doc, content[mediaType]);
  const pointer = refOf(isObject(body['content']) ? (content[mediaType] as Record<string, unknown>)['schema'] : undefined);
  const examples = [media['example'], ...(isObject(media['examples']) ? Object.values(media['examples']).map((example) => deref(doc, example)['value']) : [])];
  return {
    required: body['required'] === true,
    schema: deref(doc, media['schema'] ?? {}),
    pointer: pointer === undefined ? toJsonPointer(['paths', template, method.toLowerCase(), 'requestBody', 'content', mediaType, 'schema']) : decodeURIComponent(pointer.slice(1)),
    examples: examples.filter((example) => example !== undefined),
  };
}

/**
 * Every operation of the document, in document order: a new operation is fuzzed
 * as soon as it is documented.
 */
export function documentedOperations(doc: OpenApiDocument): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const all = parameters(doc, [
        { list: item.parameters, pointer: ['paths', template, 'parameters'] },
        { list: operation.parameters, pointer: ['paths', template, method, 'parameters'] },
      ]);
      const order = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      operations.push({
        id: operation.operationId ?? `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pathParams: all.filter((parameter) => parameter.in === 'path').sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)),
        queryParams: all.filter((parameter) => parameter.in === 'query'),
        body: requestBody(doc, template, method, operation.requestBody),
      });
    }
  }
  return operations;
}

/** The methods the document lists for a path template, upper case. */
export function documentedMethods(doc: OpenApiDocument, template: string): string[] {
  const item = doc.paths[template] ?? {};
  return HTTP_METHODS.filter((method) => item[method] !== undefined).map((method) => method.toUpperCase());
}

/** Names of the error codes the document defines (`components.schemas.ErrorCode`). */
export function documentedErrorCodes(doc: OpenApiDocument): ReadonlySet<string> {
  const codes = deref(doc, { $ref: '#/components/schemas/ErrorCode' })['enum'];
  return new Set(Array.isArray(codes) ? codes.map(String) : []);
}
