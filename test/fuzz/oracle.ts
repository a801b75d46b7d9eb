import { schemaValidator, type OpenApiDocument } from '../helpers/openapi.js';
import { deref, refOf, type FuzzOperation, type FuzzParameter } from './documentedOperations.js';
import { messageBytes, nestingDepth, PROSE_LIMITS, REQUEST_BYTES } from './proseLimits.js';
import { typeOf } from './schemaValues.js';

/** What the document says about a request before it is sent. */
export interface Verdict {
  /** The path template the target matches (segments as sent, `[^/]+` per parameter), if any. */
  readonly template: string | undefined;
  /** The operation for that template and method, if documented. */
  readonly operation: FuzzOperation | undefined;
  /** Why the document requires a 4xx; empty when it does not. */
  readonly mustReject: readonly string[];
  /** Why neither answer can be required (the document does not say). */
  readonly unsure: readonly string[];
}

interface CompiledTemplate {
  readonly template: string;
  readonly regex: RegExp;
  readonly names: readonly string[];
  readonly literal: number;
}

/** The document's operations with their templates compiled, most literal first (as test/helpers/openapi.ts matches). */
export class DocumentModel {
  private readonly templates: readonly CompiledTemplate[];

  public constructor(
    public readonly doc: OpenApiDocument,
    public readonly operations: readonly FuzzOperation[],
  ) {
    this.templates = Object.keys(doc.paths)
      .map((template) => {
        const parts = template.split(/(\{[^}/]+\})/);
        const names = parts.filter((part) => /^\{[^}/]+\}$/.test(part)).map((part) => part.slice(1, -1));
        const source = parts.map((part) => (/^\{[^}/]+\}$/.test(part) ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
        return { template, regex: new RegExp(`^${source}$`), names, literal: parts.filter((part) => !part.startsWith('{')).join('').length };
      })
      .sort((a, b) => b.literal - a.literal);
  }

  /**
   * The template a path matches and its raw (still percent-encoded) parameters: the
   * most literal template documenting the method, else the most literal one.
   */
  public match(path: string, method: string): { template: string; params: Record<string, string>; operation: FuzzOperation | undefined } | undefined {
    const matches = this.templates.flatMap((candidate) => {
      const found = candidate.regex.exec(path);
      if (found === null) return [];
      const params = Object.fromEntries(candidate.names.map((name, index) => [name, found[index + 1] ?? '']));
      return [{ template: candidate.template, params, operation: this.operations.find((op) => op.template === candidate.template && op.method === method) }];
    });
    return matches.find((match) => match.operation !== undefined) ?? matches[0];
  }
}

type Judgement = { readonly invalid?: string; readonly unsure?: string };

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** A parameter value as a query or path segment carries it. */
function judgeParameter(model: DocumentModel, parameter: FuzzParameter, raw: string, plusIsSpace: boolean): Judgement {
  const where = `${parameter.in} parameter ${parameter.name}`;
  if (plusIsSpace && raw.includes('+')) return { unsure: `${where}: "+" may mean a space or a plus` };
  const text = decode(raw);
  if (text === undefined) return parameter.in === 'path' ? { invalid: `${where}: malformed percent-encoding ${JSON.stringify(raw)}` } : { unsure: `${where}: malformed percent-encoding` };
  const type = typeOf(deref(model.doc, parameter.schema));
  let value: unknown = text;
  if (type === 'integer' || type === 'number') {
    if (/^-?(0|[1-9]\d*)$/.test(text)) value = Number(text);
    else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?0[xob]|^\s|\s$/i.test(text)) return { unsure: `${where}: ${JSON.stringify(text)} is a number only in some notations` };
    else return { invalid: `${where}: ${JSON.stringify(text)} is not a number` };
  }
  const validate = schemaValidator(model.doc, parameter.pointer);
  return validate(value) ? {} : { invalid: `${where}: ${JSON.stringify(text.slice(0, 60))} ${validate.errors?.[0]?.message ?? 'is invalid'}` };
}

function judgeQuery(model: DocumentModel, operation: FuzzOperation, query: string | undefined): Judgement[] {
  const pairs = (query ?? '').split('&').filter((pair) => pair !== '').map((pair) => {
    const equals = pair.indexOf('=');
    return equals === -1 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
  });
  const judgements: Judgement[] = [];
  for (const parameter of operation.queryParams) {
    const values = pairs.filter(([name]) => decode(name ?? '') === parameter.name).map(([, value]) => value ?? '');
    if (values.length === 0 && parameter.required) judgements.push({ invalid: `query parameter ${parameter.name} is required` });
    if (values.length > 1) judgements.push({ unsure: `query parameter ${parameter.name} given ${values.length} times` });
    if (values.length === 1) judgements.push(judgeParameter(model, parameter, values[0] ?? '', true));
  }
  return judgements;
}

/** Instances of a schema reference inside a value, found by walking value and schema together. */
function instances(model: DocumentModel, node: unknown, value: unknown, ref: string, found: unknown[] = [], depth = 0): unknown[] {
  if (depth > 8 || value === null || typeof value !== 'object') return found;
  if (refOf(node) === ref) found.push(value);
  const schema = deref(model.doc, node);
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 1000)) instances(model, schema['items'], item, ref, found, depth + 1);
    return found;
  }
  const props = (schema['properties'] ?? {}) as Record<string, unknown>;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key in props) instances(model, props[key], child, ref, found, depth + 1);
  }
  return found;
}

function judgeBody(model: DocumentModel, operation: FuzzOperation, headers: Readonly<Record<string, string>>, body: Buffer | undefined): Judgement[] {
  const size = body?.length ?? 0;
  if (operation.body === undefined) return size > 0 ? [{ unsure: 'a body on an operation that documents none' }] : [];
  if (size > REQUEST_BYTES) return [{ invalid: `a body of ${size} bytes, over ${REQUEST_BYTES}` }];
  if (size === 0 || body === undefined) return operation.body.required ? [{ invalid: 'the required body is missing' }] : [];
  const judgements: Judgement[] = [];
  const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== undefined && (contentType.includes(',') || (media ?? '').endsWith('+json'))) judgements.push({ unsure: `content-type ${JSON.stringify(contentType)}` });
  else if (media !== 'application/json') judgements.push({ invalid: `a body with content-type ${JSON.stringify(contentType ?? '(none)')}, not application/json` });
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return [...judgements, { invalid: 'the body is not JSON' }];
  }
  const validate = schemaValidator(model.doc, operation.body.pointer);
  if (!validate(value)) {
    const first = validate.errors?.[0];
    judgements.push({ invalid: `body${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'} (${operation.body.pointer})` });
  }
  for (const [ref, limits] of Object.entries(PROSE_LIMITS)) {
    for (const message of instances(model, operation.body.schema, value, ref)) {
      const fields = message as Record<string, unknown>;
      const depth = nestingDepth(fields['body']);
      if (depth > limits.bodyDepth) judgements.push({ invalid: `a message body nested ${depth} deep, over ${limits.bodyDepth}` });
      else if (messageBytes(fields) > limits.messageBytes) judgements.push({ invalid: `a message of ${messageBytes(fields)} bytes, over ${limits.messageBytes}` });
    }
  }
  return judgements;
}

/**
 * Judges a request by the document alone: which operation it reaches, and whether
 * the document requires it to be rejected (a name not matching its pattern, a
 * value outside its schema, a body over a limit, a missing or non-JSON body...).
 */
export function judge(model: DocumentModel, method: string, target: string, headers: Readonly<Record<string, string>>, body: Buffer | undefined): Verdict {
  const unsure: string[] = [];
  const question = target.indexOf('?');
  // A request target carries no fragment (RFC 9112): a "#" is part of the path, routed as sent.
  const path = question === -1 ? target : target.slice(0, question);
  const query = question === -1 ? undefined : target.slice(question + 1);
  const matched = target.startsWith('/') ? model.match(path, method) : undefined;
  if (matched === undefined) return { template: undefined, operation: undefined, mustReject: ['no documented path matches'], unsure };
  if (matched.operation === undefined) return { template: matched.template, operation: undefined, mustReject: [`${method} is not documented on ${matched.template}`], unsure };
  const operation = matched.operation;
  const judgements = [
    ...operation.pathParams.map((parameter) => judgeParameter(model, parameter, matched.params[parameter.name] ?? '', false)),
    ...judgeQuery(model, operation, query),
    ...judgeBody(model, operation, headers, body),
  ];
  return {
    template: matched.template,
    operation,
    mustReject: judgements.flatMap((judgement) => (judgement.invalid === undefined ? [] : [judgement.invalid])),
    unsure: [...unsure, ...judgements.flatMap((judgement) => (judgement.unsure === undefined ? [] : [judgement.unsure]))],
  };
}
