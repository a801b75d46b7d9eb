import type { RawResponse } from '../contract/harness/rawHttp.js';
import { assertResponseMatchesSpec } from '../helpers/openapi.js';
import { documentedErrorCodes, documentedMethods } from './documentedOperations.js';
import type { DocumentModel, Verdict } from './oracle.js';

/** A response body as far as the checks need it: parsed JSON, or why it is not. */
export interface ReadBody {
  readonly json: unknown;
  readonly problem: string | undefined;
  readonly text: string;
}

export function readBody(response: RawResponse): ReadBody {
  const text = response.body.toString('utf8');
  if (!/application\/json/i.test(response.headers['content-type'] ?? '')) return { json: undefined, problem: undefined, text };
  try {
    return { json: JSON.parse(text) as unknown, problem: undefined, text };
  } catch (error) {
    return { json: undefined, problem: `its JSON body does not parse (${(error as Error).message})`, text };
  }
}

/** Problems with `{"error":{"code","message"}}`, or an empty list. */
export function errorShapeProblems(model: DocumentModel, status: number, body: ReadBody): string[] {
  if (body.problem !== undefined) return [body.problem];
  const error = (body.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error !== 'object' || error === null) return [`a ${status} without the error body {"error":{"code","message"}} (got ${JSON.stringify(body.text.slice(0, 120))})`];
  const problems: string[] = [];
  if (typeof error.code !== 'string' || !documentedErrorCodes(model.doc).has(error.code)) problems.push(`error code ${JSON.stringify(error.code)} is not one of the document's ErrorCode values`);
  if (typeof error.message !== 'string' || error.message.trim() === '') problems.push('the error has no message');
  return problems;
}

/** The Allow header a 405 must carry (RFC 9110 §15.5.6): the methods documented for the path. */
function allowProblems(model: DocumentModel, verdict: Verdict, response: RawResponse): string[] {
  const allow = response.headers['allow'];
  if (allow === undefined) return ['a 405 without an Allow header'];
  if (verdict.template === undefined) return [];
  const sent = allow.split(',').map((method) => method.trim().toUpperCase()).filter((method) => method !== '').sort();
  const documented = documentedMethods(model.doc, verdict.template).sort();
  return sent.join(',') === documented.join(',') ? [] : [`Allow: ${allow}, but the document lists ${documented.join(', ')} for ${verdict.template}`];
}

/**
 * The per-response properties: (a) no 5xx; (b) the status is documented for the
 * operation and the body matches the document (a path matching no operation gets
 * 400, 404 or 405 with the error body), a 405 names the allowed methods; (e) a
 * request the document says is invalid is rejected with a 4xx.
 */
export function responseProblems(model: DocumentModel, method: string, target: string, verdict: Verdict, response: RawResponse): string[] {
  const { status } = response;
  const body = readBody(response);
  const problems: string[] = [];
  if (status >= 500) problems.push(`a server error (${status})`);
  const path = target.split('?')[0] ?? target;
  const bodiless = method.toUpperCase() === 'HEAD';
  if (verdict.operation !== undefined) {
    try {
      assertResponseMatchesSpec(model.doc, method, path, status, body.problem === undefined ? body.json : body.text);
    } catch (error) {
      problems.push((error as Error).message.split('\n').slice(0, 4).join(' | '));
    }
    if (status >= 400 && problems.length === 0) problems.push(...errorShapeProblems(model, status, body));
  } else {
    if (![400, 404, 405].includes(status)) problems.push(`${status} to a request matching no documented operation (only 400, 404 or 405)`);
    if (!bodiless && status >= 400) problems.push(...errorShapeProblems(model, status, body));
  }
  if (status === 405) problems.push(...allowProblems(model, verdict, response));
  if (status < 400 && verdict.mustReject.length > 0) problems.push(`accepted (${status}) although the document rejects it: ${verdict.mustReject.join('; ')}`);
  return problems;
}
