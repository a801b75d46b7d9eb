import { connect } from 'node:net';

/** A request sent byte for byte: nothing is normalized, encoded or validated on the way. */
export interface RawRequest {
  readonly method: string;
  /**
   * The request target exactly as it goes on the wire, e.g. `/v1/topics/victim/subscriptions/%2e%2e`
   * or `//x/v1/topics/victim`. A string is sent as UTF-8, so it can hold NUL, spaces or unicode.
   */
  readonly target: string | Buffer;
  /** Sent as given, after `host` and `connection: close` (a header named here replaces those). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Send the body with `transfer-encoding: chunked` (in 64 KiB chunks) instead of `content-length`. */
  readonly chunked?: boolean;
}

export interface RawResponse {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const CRLF = '\r\n';
const CHUNK = 64 * 1024;

function requestBytes(host: string, request: RawRequest): Buffer {
  const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
  const headers = new Map<string, string>([
    ['host', host],
    ['connection', 'close'],
  ]);
  if (body !== undefined) headers.set(request.chunked === true ? 'transfer-encoding' : 'content-length', request.chunked === true ? 'chunked' : String(body.length));
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name.toLowerCase(), value);
  const target = Buffer.isBuffer(request.target) ? request.target : Buffer.from(request.target, 'utf8');
  const head = [...headers].map(([name, value]) => `${name}: ${value}${CRLF}`).join('');
  const parts = [Buffer.from(`${request.method} `, 'latin1'), target, Buffer.from(` HTTP/1.1${CRLF}${head}${CRLF}`, 'latin1')];
  if (body !== undefined && request.chunked === true) {
    for (let start = 0; start < body.length; start += CHUNK) {
      const chunk = body.subarray(start, start + CHUNK);
      parts.push(Buffer.from(`${chunk.length.toString(16)}${CRLF}`, 'latin1'), chunk, Buffer.from(CRLF, 'latin1'));
    }
    parts.push(Buffer.from(`0${CRLF}${CRLF}`, 'latin1'));
  } else if (body !== undefined) {
    parts.push(body);
  }
  return Buffer.concat(parts);
}

function dechunk(data: Buffer): Buffer {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, at, 'latin1');
    if (lineEnd === -1) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(chunks);
}

/**
 * Parses one HTTP/1.1 response: undefined while it is incomplete. With `closed`, whatever
 * arrived is the whole response (no length given, or the server stopped early).
 */
function parseResponse(received: Buffer, method: string, closed: boolean): RawResponse | undefined {
  let data = received;
  let headEnd = data.indexOf(`${CRLF}${CRLF}`, 0, 'latin1');
  // Interim answers (100 Continue to `expect: 100-continue`) come before the real one.
  while (headEnd !== -1 && /^HTTP\/1\.[01] 1(?!01)\d\d/.test(data.subarray(0, 12).toString('latin1'))) {
    data = data.subarray(headEnd + 4);
    headEnd = data.indexOf(`${CRLF}${CRLF}`, 0, 'latin1');
  }
  if (headEnd === -1) return undefined;
  const [statusLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split(CRLF);
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (match === null) return undefined;
  const status = Number(match[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const rest = data.subarray(headEnd + 4);
  if (method.toUpperCase() === 'HEAD' || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0) };
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const complete = rest.indexOf(`${CRLF}0${CRLF}${CRLF}`, 0, 'latin1') !== -1 || rest.subarray(0, 5).toString('latin1') === `0${CRLF}${CRLF}`;
    return complete || closed ? { status, headers, body: dechunk(rest) } : undefined;
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  if (length !== undefined && rest.length >= length) return { status, headers, body: rest.subarray(0, length) };
  return closed ? { status, headers, body: rest } : undefined;
}

/**
 * Sends one request over a fresh TCP connection, exactly as given, and reads the
 * answer (until its length is complete, or the connection closes). `fetch` and `node:http` cannot
 * do this: both normalize or refuse targets such as `/a/%2e%2e`, `//x/a`, NUL or
 * unicode. A server that closes early (a 413 while the body is still being sent)
 * still has its answer read. Rejects when there is no answer within `timeoutMs`.
 *
 * @example
 * const response = await sendRaw('http://127.0.0.1:8080', { method: 'DELETE', target: '/v1/topics/victim/subscriptions/%2e%2e' });
 * response.status; // 400
 */
export function sendRaw(baseUrl: string, request: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const bytes = requestBytes(url.host, request);
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    let failure: Error | undefined;
    let answered = false;
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
    socket.setTimeout(timeoutMs, () => {
      failure = new Error(`no answer to ${request.method} within ${timeoutMs} ms`);
      socket.destroy();
    });
    // The server may keep the connection open whatever `connection: close` asked, so a complete answer ends it here.
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      const response = parseResponse(Buffer.concat(received), request.method, false);
      if (response === undefined) return;
      answered = true;
      socket.destroy();
      resolve(response);
    });
    // EPIPE or ECONNRESET after the server answered early; the answer read so far decides.
    socket.on('error', (error) => {
      failure ??= error;
    });
    socket.on('close', () => {
      if (answered) return;
      const response = parseResponse(Buffer.concat(received), request.method, true);
      if (response !== undefined) resolve(response);
      else reject(new Error(`the server closed the connection without an HTTP answer${failure === undefined ? '' : ` (${failure.message})`}`));
    });
    socket.on('connect', () => {
      socket.write(bytes);
    });
  });
}
