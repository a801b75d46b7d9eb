/**
 * Checks HTTP responses against docs/openapi.yaml, the normative description of API v1.
 *
 * Response schemas are validated with Ajv (JSON Schema 2020-12, as used by OpenAPI 3.1). The whole
 * document is registered once per loaded document under the id `openapi`, so every
 * `$ref: '#/components/...'` inside it resolves; each response schema is compiled once, on first
 * use, and cached.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface OpenApiReference {
  readonly $ref: string;
}

export interface OpenApiMediaType {
  readonly schema?: unknown;
}

export interface OpenApiResponse {
  readonly $ref?: string;
  readonly description?: string;
  readonly content?: Readonly<Record<string, OpenApiMediaType>>;
}

export interface OpenApiOperation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly parameters?: readonly unknown[];
  readonly requestBody?: unknown;
  readonly security?: readonly unknown[];
  readonly responses?: Readonly<Record<string, OpenApiResponse>>;
}

export type OpenApiPathItem = { readonly [M in HttpMethod]?: OpenApiOperation } & {
  readonly parameters?: readonly unknown[];
};

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly paths: Readonly<Record<string, OpenApiPathItem>>;
  readonly components?: {
    readonly schemas?: Readonly<Record<string, unknown>>;
    readonly responses?: Readonly<Record<string, OpenApiResponse>>;
    readonly parameters?: Readonly<Record<string, unknown>>;
    readonly securitySchemes?: Readonly<Record<string, unknown>>;
  };
  readonly security?: readonly unknown[];
}

export interface FoundOperation {
  readonly pathTemplate: string;
  readonly operation: OpenApiOperation;
}

/** <repo>/docs/openapi.yaml, resolved from this file (test/helpers/openapi.ts). */
export const DEFAULT_OPENAPI_PATH = fileURLToPath(new URL('../../docs/openapi.yaml', import.meta.url));

const DOCUMENT_ID = 'openapi';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and parses the OpenAPI document (YAML or JSON). */
export function loadOpenApi(path: string = DEFAULT_OPENAPI_PATH): OpenApiDocument {
  const parsed: unknown = parse(readFileSync(path, 'utf8'));
  if (!isObject(parsed) || typeof parsed['openapi'] !== 'string' || !isObject(parsed['paths'])) {
    throw new Error(`${path} is not an OpenAPI document (expected an object with "openapi" and "paths")`);
  }
  return parsed as unknown as OpenApiDocument;
}

// ------------------------------------------------------------------ JSON pointers

export function escapeJsonPointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeJsonPointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `['paths', '/v1/topics', 'get']` → `/paths/~1v1~1topics/get`. */
export function toJsonPointer(tokens: readonly string[]): string {
  return tokens.map((token) => `/${escapeJsonPointerToken(token)}`).join('');
}

/**
 * Resolves a local reference such as `#/components/schemas/Topic` (or a bare JSON pointer)
 * inside the document; returns undefined when it does not resolve.
 */
export function resolvePointer(doc: unknown, ref: string): unknown {
  const pointer = ref.startsWith('#') ? decodeURIComponent(ref.slice(1)) : ref;
  if (pointer === '') return doc;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = unescapeJsonPointerToken(raw);
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (isObject(current) && Object.prototype.hasOwnProperty.call(current, token)) {
      current = current[token];
    } else {
      return undefined;
    }
  }
  return current;
}

// ------------------------------------------------------------------ path matching

interface CompiledTemplate {
  readonly pathTemplate: string;
  readonly regex: RegExp;
  /** Characters outside `{…}`; a more literal template wins over a more generic one. */
  readonly literalLength: number;
}

const templateCache = new WeakMap<OpenApiDocument, readonly CompiledTemplate[]>();

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compiledTemplates(doc: OpenApiDocument): readonly CompiledTemplate[] {
  const cached = templateCache.get(doc);
  if (cached !== undefined) return cached;
  const compiled = Object.keys(doc.paths)
    .map((pathTemplate): CompiledTemplate => {
      const parts = pathTemplate.split(/(\{[^}/]+\})/);
      const source = parts.map((part) => (/^\{[^}/]+\}$/.test(part) ? '[^/]+' : escapeRegex(part))).join('');
      const literalLength = parts.filter((part) => !/^\{[^}/]+\}$/.test(part)).join('').length;
      return { pathTemplate, regex: new RegExp(`^${source}$`), literalLength };
    })
    .sort((a, b) => b.literalLength - a.literalLength);
  templateCache.set(doc, compiled);
  return compiled;
}

function stripQuery(path: string): string {
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

function normaliseMethod(method: string): HttpMethod | null {
  const lower = method.toLowerCase();
  return (HTTP_METHODS as readonly string[]).includes(lower) ? (lower as HttpMethod) : null;
}

/** Path templates matching a concrete path (query string ignored), most literal first. */
export function matchPathTemplates(doc: OpenApiDocument, path: string): string[] {
  const concrete = stripQuery(path);
  return compiledTemplates(doc)
    .filter((template) => template.regex.test(concrete))
    .map((template) => template.pathTemplate);
}

/**
 * Finds the operation for (method, concrete path like /v1/topics/abc/subscriptions/x/pull) by
 * matching path templates; returns null if none.
 */
export function findOperation(doc: OpenApiDocument, method: string, path: string): FoundOperation | null {
  const httpMethod = normaliseMethod(method);
  if (httpMethod === null) return null;
  for (const pathTemplate of matchPathTemplates(doc, path)) {
    const operation = doc.paths[pathTemplate]?.[httpMethod];
    if (operation !== undefined) return { pathTemplate, operation };
  }
  return null;
}

/** Every (METHOD, pathTemplate) pair in the document. */
export function listOperations(doc: OpenApiDocument): Array<{ method: string; path: string }> {
  const operations: Array<{ method: string; path: string }> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      if (item[method] !== undefined) operations.push({ method: method.toUpperCase(), path });
    }
  }
  return operations;
}

// ------------------------------------------------------------------ validation

interface ValidatorCache {
  readonly ajv: Ajv2020;
  readonly validators: Map<string, ValidateFunction>;
}

const validatorCache = new WeakMap<OpenApiDocument, ValidatorCache>();

function validatorsFor(doc: OpenApiDocument): ValidatorCache {
  const cached = validatorCache.get(doc);
  if (cached !== undefined) return cached;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  // ajv-formats is CommonJS; its `module.exports` is the plugin and also carries `.default`.
  ajvFormats.default(ajv);
  ajv.addSchema(doc as unknown as Record<string, unknown>, DOCUMENT_ID);
  const created: ValidatorCache = { ajv, validators: new Map() };
  validatorCache.set(doc, created);
  return created;
}

/**
 * A validator for the schema at `pointer` (a JSON pointer into the document, e.g.
 * `/components/schemas/Topic`), compiled once per document.
 */
export function schemaValidator(doc: OpenApiDocument, pointer: string): ValidateFunction {
  const { ajv, validators } = validatorsFor(doc);
  const cached = validators.get(pointer);
  if (cached !== undefined) return cached;
  if (resolvePointer(doc, pointer) === undefined) {
    throw new Error(`docs/openapi.yaml has no schema at ${pointer}`);
  }
  // Each pointer token is URI-encoded so that `{topic}`, spaces or `;` survive as a URI fragment.
  const fragment = pointer
    .split('/')
    .map((token) => encodeURIComponent(token))
    .join('/');
  const validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${fragment}` });
  validators.set(pointer, validate);
  return validate;
}

function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined): string {
  if (errors === null || errors === undefined || errors.length === 0) return '  (no details)';
  return errors
    .map((error) => `  - ${error.instancePath === '' ? '(root)' : error.instancePath} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)} [schema ${error.schemaPath}]`)
    .join('\n');
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? JSON.stringify(body) : (JSON.stringify(body) ?? String(body));
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || body === '';
}

/** The documented response for a status (exact, then `4XX`-style range, then `default`), with its JSON pointer. */
function documentedResponse(
  doc: OpenApiDocument,
  responses: Readonly<Record<string, OpenApiResponse>>,
  responsesPointer: string,
  status: number,
): { response: OpenApiResponse; pointer: string } | null {
  const range = `${Math.floor(status / 100)}XX`;
  const key = [String(status), range, range.toLowerCase(), 'default'].find((candidate) =>
    Object.prototype.hasOwnProperty.call(responses, candidate),
  );
  if (key === undefined) return null;
  let response: unknown = responses[key];
  let pointer = `${responsesPointer}/${escapeJsonPointerToken(key)}`;
  // Follow `$ref: '#/components/responses/…'` chains.
  for (let hops = 0; isObject(response) && typeof response['$ref'] === 'string'; hops += 1) {
    const ref = response['$ref'];
    if (hops > 10 || !ref.startsWith('#')) throw new Error(`cannot follow response reference ${ref} at ${pointer}`);
    pointer = decodeURIComponent(ref.slice(1));
    response = resolvePointer(doc, ref);
  }
  if (!isObject(response)) throw new Error(`response reference at ${pointer} does not resolve to an object`);
  return { response: response as OpenApiResponse, pointer };
}

function checkBody(
  doc: OpenApiDocument,
  label: string,
  response: OpenApiResponse,
  responsePointer: string,
  status: number,
  body: unknown,
): void {
  const content = response.content ?? {};
  const mediaTypes = Object.keys(content);
  if (status === 204 || mediaTypes.length === 0) {
    if (mediaTypes.length > 0) {
      throw new Error(`${label}: docs/openapi.yaml documents a body for a 204 response (${mediaTypes.join(', ')})`);
    }
    if (!isEmptyBody(body)) {
      throw new Error(`${label}: no body is documented for this response, but one was received: ${preview(body)}`);
    }
    return;
  }
  const jsonType = mediaTypes.find((type) => /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type));
  if (jsonType === undefined) {
    if (mediaTypes.some((type) => /^text\//i.test(type))) return;
    throw new Error(`${label}: documented media types ${mediaTypes.join(', ')} cannot be checked`);
  }
  if (content[jsonType]?.schema === undefined) return;
  if (body === undefined) {
    throw new Error(`${label}: a JSON body is documented (${jsonType}) but none was received`);
  }
  const schemaPointer = `${responsePointer}/content/${escapeJsonPointerToken(jsonType)}/schema`;
  const validate = schemaValidator(doc, schemaPointer);
  if (!validate(body)) {
    throw new Error(
      `${label}: body does not match docs/openapi.yaml#${schemaPointer}\n${formatAjvErrors(validate.errors)}\nbody: ${preview(body)}`,
    );
  }
}

/**
 * Throws an Error with a readable message (method, path, status, ajv errors) when the status is not
 * documented for the operation or the JSON body does not validate against the documented schema.
 * For 204 asserts no schema; for text/plain skips body validation but checks the status is documented.
 *
 * Requests that match no operation are checked against the document-wide error responses: a path
 * matching no template may answer `404` (`components.responses.NotFound`), and a known path with an
 * undocumented method may answer `405` (`components.responses.MethodNotAllowed`).
 */
export function assertResponseMatchesSpec(
  doc: OpenApiDocument,
  method: string,
  path: string,
  status: number,
  body: unknown,
): void {
  const label = `${method.toUpperCase()} ${path} → ${status}`;
  const found = findOperation(doc, method, path);
  if (found === null) {
    const knownPath = matchPathTemplates(doc, path).length > 0;
    const fallback = knownPath ? { status: 405, name: 'MethodNotAllowed' } : { status: 404, name: 'NotFound' };
    const shared = doc.components?.responses?.[fallback.name];
    if (status !== fallback.status || shared === undefined) {
      throw new Error(
        knownPath
          ? `${label}: docs/openapi.yaml documents no ${method.toUpperCase()} operation for this path (only 405 MethodNotAllowed is allowed)`
          : `${label}: docs/openapi.yaml documents no path matching this request (only 404 NotFound is allowed)`,
      );
    }
    const pointer = toJsonPointer(['components', 'responses', fallback.name]);
    const resolved = documentedResponse(doc, { [String(fallback.status)]: { $ref: `#${pointer}` } }, '', status);
    if (resolved === null) throw new Error(`${label}: cannot resolve #${pointer}`);
    checkBody(doc, label, resolved.response, resolved.pointer, status, body);
    return;
  }

  const opLabel = `${label} (${found.operation.operationId ?? `${method.toUpperCase()} ${found.pathTemplate}`})`;
  const responsesPointer = toJsonPointer(['paths', found.pathTemplate, method.toLowerCase(), 'responses']);
  const documented = documentedResponse(doc, found.operation.responses ?? {}, responsesPointer, status);
  if (documented === null) {
    const listed = Object.keys(found.operation.responses ?? {}).join(', ');
    throw new Error(`${opLabel}: status ${status} is not documented (documented: ${listed}); body: ${preview(body)}`);
  }
  checkBody(doc, opLabel, documented.response, documented.pointer, status, body);
}
