import { Agent, request } from 'node:http';

/** A failed HTTP call to Conveyor, with the status and the response body. */
export class HttpCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} failed with HTTP ${status}: ${body.slice(0, 300)}`);
    this.name = 'HttpCallError';
  }
}

/**
 * JSON over node:http with a keep-alive agent. fetch (undici) costs about three
 * times the CPU per request here, which would make the load generator, not the
 * server, the bottleneck.
 *
 * @example
 * const http = new JsonHttpClient('http://127.0.0.1:8080');
 * await http.call('PUT', '/v1/topics/t', { partitions: 4 });
 * http.close();
 */
export class JsonHttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly url: URL;

  constructor(baseUrl: string) {
    this.url = new URL(baseUrl);
  }

  /** `signal` aborts the request (it then rejects). */
  call<T = unknown>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    return new Promise<T>((resolve, reject) => {
      const req = request({ host: this.url.hostname, port: this.url.port, method, path, agent: this.agent, headers, ...(signal === undefined ? {} : { signal }) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 300) reject(new HttpCallError(status, text, `${method} ${path}`));
          else resolve((text === '' ? undefined : JSON.parse(text)) as T);
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
