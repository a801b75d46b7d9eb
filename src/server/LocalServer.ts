import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import type { Logger } from 'pino';
import { ErrorCode, PayloadTooLargeError } from '../domain/errors.js';
import { PublishLimits } from '../domain/constants.js';
import type { ApiContext, ApiHandler } from '../http/createApiHandler.js';
import { jsonResponse } from '../http/responses.js';
import type { ApiServices } from '../http/types.js';
import { toApiGatewayEvent } from './toApiGatewayEvent.js';

export interface LocalServerOptions {
  readonly handler: ApiHandler;
  readonly services: ApiServices;
  readonly logger: Logger;
  /** Longest wait for in-flight requests on stop. @default 10000 */
  readonly drainTimeoutMs?: number;
}

function lambdaContext(services: ApiServices, signal: AbortSignal, requestId: string): ApiContext {
  const context: Context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'conveyor-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:conveyor-api',
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/conveyor-api',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  return Object.assign(context, { services, signal });
}

/**
 * The local HTTP front: each request becomes an API Gateway v2 event handed to
 * the same handler Lambda runs. Stopping refuses new connections, wakes long-polls
 * so they answer at once, and waits for every in-flight request to finish.
 */
export class LocalServer {
  private readonly server: Server;
  private readonly inFlight = new Set<AbortController>();
  private readonly drainTimeoutMs: number;
  private stopping = false;

  public constructor(private readonly options: LocalServerOptions) {
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.server = createServer((request, response) => {
      void this.serve(request, response);
    });
    this.server.keepAliveTimeout = 65_000;
  }

  public listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address() as AddressInfo;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(`http://${shownHost}:${address.port}`);
      });
    });
  }

  public async stop(): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    for (const controller of this.inFlight) controller.abort();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.drainTimeoutMs).unref());
    await Promise.race([closed, timeout]);
    this.server.closeAllConnections();
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    response.on('close', () => {
      if (!response.writableFinished) controller.abort();
      this.inFlight.delete(controller);
    });
    if (this.stopping) {
      // A request that came on a kept-alive connection after stop began.
      const answer = jsonResponse(503, { error: { code: ErrorCode.Unavailable, message: 'the server is shutting down; retry against another instance or after restart' } });
      response.writeHead(503, { ...(answer.headers as Record<string, string>), connection: 'close' });
      response.end(answer.body);
      return;
    }
    try {
      const body = await readBody(request, PublishLimits.requestBytes);
      const event = toApiGatewayEvent(request, body);
      const result = await this.options.handler(event, lambdaContext(this.options.services, controller.signal, event.requestContext.requestId));
      const structured = typeof result === 'string' ? jsonResponse(200, result) : result;
      const headers = { ...structured.headers, connection: this.server.listening ? 'keep-alive' : 'close' };
      response.writeHead(structured.statusCode ?? 200, headers as Record<string, string>);
      response.end(structured.body);
    } catch (error) {
      const tooLarge = error instanceof PayloadTooLargeError;
      if (!tooLarge) this.options.logger.error({ err: error }, 'local server failed to answer');
      const answer = tooLarge
        ? jsonResponse(413, { error: { code: error.code, message: error.message } })
        : jsonResponse(500, { error: { code: ErrorCode.Internal, message: 'internal error; see the server log' } });
      if (!response.headersSent) response.writeHead(answer.statusCode ?? 500, { ...(answer.headers as Record<string, string>), connection: 'close' });
      response.end(answer.body);
    }
  }
}

/** Reads the body up to `limit` bytes; more is refused without buffering it. */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
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
