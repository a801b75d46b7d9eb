import fc from 'fast-check';
import type { RawRequest } from '../contract/harness/rawHttp.js';
import { preview, toJsonText, type RecentLookup } from './jsonText.js';

/** A JSON body (which may hold RawJson and Recent values), or exact text. */
export type FuzzBody = { readonly json: unknown } | { readonly text: string };

export interface FuzzRequestFields {
  /** What the request aims at: an operationId, or a group such as `no operation`. */
  readonly aim: string;
  /** What is unusual about it, for the counterexample. */
  readonly note: string;
  readonly method: string;
  /** The request target exactly as sent. A Buffer holds bytes HTTP does not allow there. */
  readonly target: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: FuzzBody;
  readonly chunked?: boolean;
  /** The only status the request may get (a documented path with an undocumented method: 405). */
  readonly expect?: number;
  /** Not valid HTTP/1.1 (a NUL in the target, a bad content-length): any 4xx with the error body will do. */
  readonly malformed?: boolean;
}

const JSON_TYPE = { 'content-type': 'application/json' } as const;

/**
 * One generated request. fast-check prints counterexamples through
 * `toStringMethod`, so a 5 MiB body shows as its size, and the target as sent.
 */
export class FuzzRequest implements FuzzRequestFields {
  public readonly aim: string;
  public readonly note: string;
  public readonly method: string;
  public readonly target: string | Buffer;
  public readonly headers: Readonly<Record<string, string>>;
  public readonly body: FuzzBody | undefined;
  public readonly chunked: boolean;
  public readonly expect: number | undefined;
  public readonly malformed: boolean;

  public constructor(fields: FuzzRequestFields) {
    this.aim = fields.aim;
    this.note = fields.note;
    this.method = fields.method;
    this.target = fields.target;
    this.body = fields.body;
    this.headers = fields.headers ?? (fields.body !== undefined && 'json' in fields.body ? JSON_TYPE : {});
    this.chunked = fields.chunked ?? false;
    this.expect = fields.expect;
    this.malformed = fields.malformed ?? false;
  }

  /** The body as sent, with Recent values resolved. */
  public bodyText(recent: RecentLookup): string | undefined {
    if (this.body === undefined) return undefined;
    return 'text' in this.body ? this.body.text : toJsonText(this.body.json, recent);
  }

  public toRaw(recent: RecentLookup): RawRequest {
    const text = this.bodyText(recent);
    return { method: this.method, target: this.target, headers: this.headers, ...(text === undefined ? {} : { body: text }), chunked: this.chunked };
  }

  public targetText(): string {
    return typeof this.target === 'string' ? this.target : JSON.stringify(this.target.toString('latin1'));
  }

  public describe(): string {
    const target = this.targetText();
    const shownTarget = target.length > 160 ? `${target.slice(0, 120)}…(${target.length} chars)` : target;
    const headers = Object.entries(this.headers).map(([name, value]) => ` -H '${name}: ${value.length > 60 ? `${value.slice(0, 40)}…(${value.length} chars)` : value}'`);
    const body = this.body === undefined ? '' : ` body ${'text' in this.body ? preview(this.body.text) : preview(this.body.json)}`;
    return `${this.method} ${shownTarget}${headers.join('')}${this.chunked ? ' (chunked)' : ''}${body}  [${this.aim}: ${this.note}]`;
  }

  public [fc.toStringMethod](): string {
    return this.describe();
  }
}

/**
 * What a property sends: random requests, and examples sent first on every run
 * (applied to the simplest valid parts). Examples are built only when the
 * property runs, so their 5 MiB bodies exist one property at a time.
 */
export interface Generated {
  readonly arbitrary: fc.Arbitrary<FuzzRequest>;
  readonly examples: () => FuzzRequest[];
}
