import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ConveyorError, ErrorCode, InvalidRequestError, PayloadTooLargeError } from '../domain/errors.js';
import { errorResponse } from '../http/responses.js';

/** Conveyor's error for a request Node's parser refused or timed out. */
export function malformedRequestError(error: NodeJS.ErrnoException): ConveyorError {
  const code = error.code ?? '';
  if (code === 'HPE_HEADER_OVERFLOW') return new ConveyorError(ErrorCode.HeadersTooLarge, 'the request line and headers must be at most 16 KiB');
  if (code.includes('TIMEOUT')) return new ConveyorError(ErrorCode.RequestTimeout, 'the request was not received in time; send the headers and body without pausing');
  return new InvalidRequestError(`the request is not valid HTTP/1.1 (${code === '' ? error.message : code}); check the method, target, headers and framing`);
}

/** Writes a whole HTTP response by hand, on a socket that has no request object, and closes it. */
export function answerMalformed(socket: Duplex, error: ConveyorError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const answer = errorResponse(error);
  const body = Buffer.from(answer.body ?? '');
  const status = answer.statusCode ?? 400;
  const headers = { ...(answer.headers as Record<string, string>), 'content-length': String(body.length), connection: 'close' };
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

export function contentLength(request: IncomingMessage): { contentLength?: number } {
  const header = request.headers['content-length'];
  const value = header === undefined ? NaN : Number(header);
  return Number.isSafeInteger(value) && value >= 0 ? { contentLength: value } : {};
}

/** Reads the body up to `limit` bytes; more is refused without buffering it. */
export function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = contentLength(request).contentLength;
    if (declared !== undefined && declared > limit) {
      request.resume();
      reject(new PayloadTooLargeError('the request body', limit, declared));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(new PayloadTooLargeError('the request body', limit, size));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
