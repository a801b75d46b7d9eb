import { Agent, request as httpRequest } from 'node:http';

export interface TransportRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface TransportResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** How an ApiClient sends a request to a full URL. */
export type Transport = (url: string, request: TransportRequest) => Promise<TransportResponse>;

/** The default: the platform's fetch, which also normalizes the path (`/a/../b` is sent as `/b`). */
export const fetchTransport: Transport = async (url, { method, headers, body }) => {
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

/**
 * node:http over kept-alive connections: about a third of fetch's CPU per request,
 * for suites that read a lot (the fuzzer reads the whole broker state back
 * hundreds of times). The path is sent as given, without fetch's normalization.
 *
 * @example
 * const api = new Conveyor(target.api.http.withTransport(keepAliveTransport()));
 */
export function keepAliveTransport(): Transport {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  return (url, { method, headers, body }) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const sent = { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) };
      const outgoing = httpRequest({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, headers: sent, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const received = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) received.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          resolve({ status: response.statusCode ?? 0, headers: received, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
}
