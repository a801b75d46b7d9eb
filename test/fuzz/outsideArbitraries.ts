import fc from 'fast-check';
import { documentedMethods, type FuzzOperation } from './documentedOperations.js';
import { FuzzRequest, type FuzzRequestFields, type Generated } from './FuzzRequest.js';
import { HOSTILE_QUERIES, HOSTILE_SEGMENTS } from './hostileValues.js';
import type { DocumentModel } from './oracle.js';
import { renderPath, validPathValues } from './requestParts.js';
import type { ValueContext } from './schemaValues.js';

/** Methods a client may send: the document's, and others servers commonly meet. */
const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE', 'QUERY'] as const;

/** Every method the document does not list on a path, with valid parameters: 405 and an Allow header. */
export function undocumentedMethodRequests(ctx: ValueContext, model: DocumentModel, template: string): Generated | undefined {
  const documented = documentedMethods(model.doc, template);
  const methods = METHODS.filter((method) => !documented.includes(method));
  const sibling = model.operations.find((operation) => operation.template === template) as FuzzOperation;
  if (methods.length === 0 || sibling === undefined) return undefined;
  const arbitrary = fc
    .tuple(validPathValues(ctx, sibling), fc.constantFrom(...methods), fc.boolean())
    .map(([values, method, withBody]) => new FuzzRequest({ aim: template, note: `${method}, which the document does not list`, method, target: renderPath(template, values), expect: 405, ...(withBody ? { body: { json: {} } } : {}) }));
  return { arbitrary, examples: () => [] };
}

/** Literal segments of the document's paths, the fixture's names and hostile segments: paths near and far from the routes. */
function segmentPool(model: DocumentModel): string[] {
  const literal = Object.keys(model.doc.paths).flatMap((template) => template.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')));
  return [...new Set([...literal, 'victim', 'worker', 'nightly', 'readers', '0', 'x', ...HOSTILE_SEGMENTS.filter((segment) => segment.length < 100)])];
}

/** Paths that reached another resource before, kept as examples the generator always includes. */
const NOTABLE_PATHS: readonly string[] = [
  '//x/v1/topics/victim',
  '/v1/topics/victim/subscriptions/%2e%2e',
  '/v1/topics/victim/subscriptions/..',
  '/v1//topics/victim',
  '/v1/topics//victim',
  '/v1/topics/victim/subscriptions/worker/../..',
  '/v1/topics/victim/subscriptions/worker/%2E%2e/%2e%2E',
  '/v1/topics/victim/.',
  '/v1/topics/victim/',
  '/%2e%2e/v1/topics/victim',
  '/v1/./topics/victim',
  '/V1/topics/victim',
  '/v1/schedules/nightly/..',
  '/v1/topics/victim/subscriptions/worker/dead-letters/..',
  '/v1/topics/victim/groups/readers/offsets/../..',
  '*',
  'http://evil.example/v1/topics/victim',
  '/healthz/..',
  '/metrics/%2e%2e/v1/topics/victim',
];

/**
 * Targets built from the document's own segments, hostile segments and notable
 * traversal paths, with any method: whatever they match, they get a documented
 * answer, and those matching no operation get 400, 404 or 405. Examples on every
 * run: each notable path with DELETE.
 */
export function unmatchedPathRequests(model: DocumentModel): Generated {
  const built = fc.array(fc.constantFrom(...segmentPool(model)), { minLength: 0, maxLength: 7 }).map((segments) => `/${segments.join('/')}`);
  const target = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...NOTABLE_PATHS) }, { weight: 2, arbitrary: built });
  const query = fc.option(fc.constantFrom(...HOSTILE_QUERIES), { nil: undefined });
  const body = fc.option(fc.constantFrom<unknown>({}, null, { ids: [] }), { nil: undefined });
  const arbitrary = fc
    .tuple(fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'), target, query, body)
    .map(([method, path, suffix, json]) => new FuzzRequest({ aim: 'no operation', note: 'a path built from segments', method, target: `${path}${suffix ?? ''}`, ...(json === undefined ? {} : { body: { json } }) }));
  return { arbitrary, examples: () => NOTABLE_PATHS.map((path) => new FuzzRequest({ aim: 'no operation', note: 'a notable traversal', method: 'DELETE', target: path })) };
}

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Requests that are not valid HTTP/1.1, or that a parser limits: a NUL, a space or raw unicode in the target, overlong targets and headers, bad framing, unknown methods. */
const MALFORMED_FIELDS: ReadonlyArray<Omit<FuzzRequestFields, 'aim'>> = [
  { note: 'a raw NUL in the target', method: 'DELETE', target: bytes('/v1/topics/vic\u0000tim') },
  { note: 'a space in the target', method: 'DELETE', target: bytes('/v1/topics/victim /subscriptions/worker') },
  { note: 'a tab in the target', method: 'GET', target: bytes('/v1/topics/victim\t') },
  { note: 'raw UTF-8 in the target', method: 'GET', target: bytes('/v1/topics/vïctim') },
  { note: 'raw UTF-8 dots (U+2024) in the target', method: 'DELETE', target: bytes('/v1/topics/victim/subscriptions/\u2024\u2024') },
  { note: 'a backslash before the path', method: 'DELETE', target: bytes('\\/v1/topics/victim') },
  { note: 'a DEL byte in the target', method: 'GET', target: bytes('/v1/topics/victim\u007f') },
  { note: 'a 20 KiB target', method: 'GET', target: `/v1/topics/${'a'.repeat(20_480)}` },
  { note: 'a 20 KiB header', method: 'GET', target: '/v1/topics/victim', headers: { 'x-padding': 'a'.repeat(20_480) } },
  { note: 'a lower-case method', method: 'delete', target: '/v1/topics/victim' },
  { note: 'an unknown method', method: 'FOO', target: '/v1/topics/victim' },
  { note: 'CONNECT', method: 'CONNECT', target: '/v1/topics/victim' },
  { note: 'a content-length that is not a number', method: 'PUT', target: '/v1/topics/victim', headers: { 'content-type': 'application/json', 'content-length': 'abc' }, body: { text: '{}' } },
  { note: 'two different content-lengths', method: 'PUT', target: '/v1/topics/victim', headers: { 'content-type': 'application/json', 'content-length': '2, 3' }, body: { text: '{}' } },
  { note: 'content-length and chunked together', method: 'POST', target: '/v1/topics/victim/messages', headers: { 'content-type': 'application/json', 'content-length': '4' }, body: { text: '{"messages":[{"body":1}]}' }, chunked: true },
  { note: 'a header name with a space', method: 'GET', target: '/v1/topics/victim', headers: { 'bad header': 'x' } },
];

/** Each malformed request is an example too: the list is short, and every one is sent on every run. */
export function malformedHttpRequests(): Generated {
  const requests = (): FuzzRequest[] => MALFORMED_FIELDS.map((fields) => new FuzzRequest({ aim: 'malformed HTTP', malformed: true, ...fields }));
  return { arbitrary: fc.constantFrom(...requests()), examples: requests };
}
