import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConveyorError, ErrorCode, MethodNotAllowedError } from '../../domain/errors.js';
import { checkRequestPath } from '../../http/paths/requestPath.js';
import { errorResponse } from '../../http/responses.js';
import { CONSOLE_PATH, consoleFiles, findConsoleFolder, findUplotDist, type ConsoleFile } from './consoleFiles.js';

/** A whole answer of the static route. */
export interface StaticAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  /** The route label of the request metrics. */
  readonly route: string;
}

/**
 * Scripts, styles and requests only from this server; no inline code, no
 * frames, no plugins, no form posts. The page talks to the API with fetch
 * (`connect-src 'self'`) and nothing else.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent with every console answer, errors included. */
const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;

const ALLOWED_METHODS = ['GET', 'HEAD'] as const;
const UNMATCHED = 'unmatched';

const etagOf = (content: Buffer): string => `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`;

/**
 * The web console as a static route of the local server, beside the API:
 * `/console` is the page and `/console/assets/…` its files. It serves the
 * package's own files and nothing else; everything the page shows comes from
 * the API, with the user's token, so grants apply as for any other client.
 * Files are read on each request and revalidated by ETag (`no-cache`), so an
 * upgraded package is never served stale.
 *
 * @example
 * const route = ConsoleRoute.fromPackage();
 * if (route.handles(path)) answer = await route.answer('GET', path, request.headers['if-none-match']);
 */
export class ConsoleRoute {
  public constructor(private readonly files: ReadonlyMap<string, ConsoleFile>) {}

  /** The console of this installation: the package's console/ folder and the uplot package it depends on. */
  public static fromPackage(): ConsoleRoute {
    return new ConsoleRoute(consoleFiles({ folder: findConsoleFolder(), uplotDist: findUplotDist() }));
  }

  /** Whether a raw request path belongs to the console (as sent, before the query). */
  public handles(path: string): boolean {
    return path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
  }

  /**
   * Answers a console path: the file, 304 when `ifNoneMatch` names its current
   * version, 400 for a path the API would refuse too (dot or empty segments,
   * control characters), 404 for any other path, 405 for methods other than
   * GET and HEAD. Errors are JSON like every answer of the server.
   */
  public async answer(method: string, path: string, ifNoneMatch?: string): Promise<StaticAnswer> {
    try {
      // One spelling per resource, as for the API; `/console/` is what people type, so it is sent to the page.
      if (path === `${CONSOLE_PATH}/`) return { status: 308, headers: { ...SECURITY_HEADERS, location: CONSOLE_PATH }, route: CONSOLE_PATH };
      checkRequestPath(path);
      const found = this.files.get(path);
      if (found === undefined) throw new ConveyorError(ErrorCode.NotFound, `no console file ${JSON.stringify(path)}; the console is at ${CONSOLE_PATH}`);
      const route = path === CONSOLE_PATH ? CONSOLE_PATH : `${CONSOLE_PATH}/assets/{file}`;
      if (!(ALLOWED_METHODS as readonly string[]).includes(method)) return this.error(new MethodNotAllowedError(path, ALLOWED_METHODS), route);
      const content = await readFile(found.file);
      const etag = etagOf(content);
      const headers = { ...SECURITY_HEADERS, 'content-type': found.contentType, 'cache-control': 'no-cache', etag };
      if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)) return { status: 304, headers, route };
      return { status: 200, headers: { ...headers, 'content-length': String(content.length) }, body: content, route };
    } catch (error) {
      if (error instanceof ConveyorError) return this.error(error, UNMATCHED);
      // A listed file that cannot be read (removed since start): a missing file, not a server fault.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.error(new ConveyorError(ErrorCode.NotFound, `console file ${JSON.stringify(path)} is missing from the installation`), UNMATCHED);
      throw error;
    }
  }

  private error(error: ConveyorError, route: string): StaticAnswer {
    const answer = errorResponse(error);
    return { status: answer.statusCode ?? 500, headers: { ...SECURITY_HEADERS, ...(answer.headers as Record<string, string>) }, body: answer.body ?? '', route };
  }
}
