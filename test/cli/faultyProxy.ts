import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What the proxy does to the publish request it is told to spoil, after the broker stored it. */
export type LostAnswer = 'answers 503' | 'resets the connection';

export interface FaultyProxy {
  readonly url: string;
  /** The message ids of every publish request that reached the broker through the proxy, in arrival order. */
  readonly publishes: string[][];
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A loopback HTTP proxy in front of a broker that forwards every request, and
 * loses the answer to the `spoil`-th publish request (1-based) after the
 * broker stored it: the client sees a 503 or a reset connection, as after a
 * gateway timeout or a dropped connection, although the messages are in the
 * topic. A retried request with the same ids must then be deduplicated.
 *
 * @example
 * const proxy = await startFaultyProxy(broker.url, 2, 'answers 503');
 * await runCli(['publish', 'orders', '--file', file, '--url', proxy.url]);
 */
export async function startFaultyProxy(target: string, spoil: number, lost: LostAnswer): Promise<FaultyProxy> {
  const publishes: string[][] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await bodyOf(request);
      const isPublish = request.method === 'POST' && /^\/v1\/topics\/[^/]+\/messages$/.test(request.url ?? '');
      // Counted on arrival: requests in flight together answer in any order.
      const arrival = isPublish ? publishes.push((JSON.parse(body.toString()) as { messages: { id: string }[] }).messages.map((message) => message.id)) : 0;
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name))) as Record<string, string>;
      const answer = await fetch(`${target}${request.url}`, { method: request.method ?? 'GET', headers, ...(body.length === 0 ? {} : { body }) });
      const text = await answer.text();
      if (arrival === spoil) {
        if (lost === 'resets the connection') {
          request.socket.destroy();
          return;
        }
        response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"Unavailable","message":"the proxy lost the broker\'s answer"}}');
        return;
      }
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    publishes,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
