import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo, Socket } from 'node:net';
import type { Context } from 'aws-lambda';
import type { Logger } from 'pino';
import { Gatekeeper, type Admission } from '../access/Gatekeeper.js';
import { TokenRegistry } from '../access/TokenRegistry.js';
import { ConveyorError, InvalidRequestError, UnavailableError } from '../domain/errors.js';
import { PublishLimits } from '../domain/constants.js';
import type { ApiContext, ApiHandler } from '../http/createApiHandler.js';
import { errorResponse, internalErrorResponse, jsonResponse } from '../http/responses.js';
import { publicPaths } from '../http/routes/index.js';
import type { ApiServices } from '../http/types.js';
import { CONNECTION_DEFAULTS, type ConnectionLimits } from './connectionLimits.js';
import type { ConsoleRoute } from './console/ConsoleRoute.js';
import { answerMalformed, contentLength, malformedRequestError, readBody } from './requestFraming.js';
import { toApiGatewayEvent } from './toApiGatewayEvent.js';

export interface LocalServerOptions {
  readonly handler: ApiHandler;
  readonly services: ApiServices;
  readonly logger: Logger;
  /** Identifies callers and applies rate limits before a body is read. @default an open gatekeeper (no tokens, no limits) */
  readonly gatekeeper?: Gatekeeper;
  /** @default CONNECTION_DEFAULTS */
  readonly connections?: Partial<ConnectionLimits>;
  /** Longest wait for in-flight requests on stop. @default 10000 */
  readonly drainTimeoutMs?: number;
  /** The web console's static files at /console, served beside the API to anyone (they hold no data). @default - no console */
  readonly console?: ConsoleRoute;
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

/** The route label of requests refused before routing (401, 429, 503, a body that could not be read) in the request metrics and the access log. */
export const REFUSED_ROUTE = 'refused before routing';

/** The path part of a request target, as sent. */
const pathOf = (target: string | undefined): string => (target ?? '/').split('?', 1)[0]!;

/**
 * The local HTTP front: each request becomes an API Gateway v2 event handed to
 * the same handler Lambda runs. Before reading a body it identifies the caller
 * and charges its rate limit, so refused requests cost no memory. Stopping
 * refuses new connections, wakes long-polls so they answer at once, and waits
 * for every in-flight request to finish.
 */
export class LocalServer {
  private readonly server: Server;
  private readonly inFlight = new Set<AbortController>();
  private readonly overLimit = new WeakSet<Socket>();
  private readonly drainTimeoutMs: number;
  private readonly gatekeeper: Gatekeeper;
  private readonly limits: ConnectionLimits;
  private connections = 0;
  private stopping = false;

  public constructor(private readonly options: LocalServerOptions) {
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.gatekeeper = options.gatekeeper ?? new Gatekeeper({ tokens: TokenRegistry.empty });
    this.limits = { ...CONNECTION_DEFAULTS, ...options.connections };
    this.server = createServer(
      {
        headersTimeout: this.limits.headersTimeoutMs,
        requestTimeout: this.limits.requestTimeoutMs,
        // How often both timeouts are checked (Node's default is every 30 s).
        connectionsCheckingInterval: Math.min(1000, this.limits.headersTimeoutMs),
      },
      (request, response) => {
        void this.serve(request, response);
      },
    );
    // What never becomes a request still gets an answer in the API's error shape.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerMalformed(socket, malformedRequestError(error)));
    this.server.on('connect', (_request: IncomingMessage, socket: Duplex) =>
      answerMalformed(socket, new InvalidRequestError('CONNECT is not supported: this server is not a proxy')),
    );
    // `Expect: 100-continue` (curl sends it for large bodies): the caller is admitted before the client sends its body at all.
    this.server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
      void this.serve(request, response, { continueOnAdmission: true });
    });
    this.server.keepAliveTimeout = 65_000;
    // Past twice the limit, connections are dropped unanswered: answering costs something too.
    this.server.maxConnections = this.limits.maxConnections * 2;
    this.server.on('connection', (socket: Socket) => {
      this.connections += 1;
      if (this.connections > this.limits.maxConnections) this.overLimit.add(socket);
      socket.once('close', () => {
        this.connections -= 1;
      });
    });
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

  private async serve(request: IncomingMessage, response: ServerResponse, options: { readonly continueOnAdmission?: boolean } = {}): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    response.on('close', () => {
      if (!response.writableFinished) controller.abort();
      this.inFlight.delete(controller);
    });
    if (this.stopping) {
      // A request that came on a kept-alive connection after stop began.
      this.refuse(request, response, new UnavailableError('the server is shutting down; retry against another instance or after restart'), { close: true });
      return;
    }
    if (this.overLimit.has(request.socket)) {
      this.refuse(request, response, new UnavailableError(`the server has ${this.connections} open connections, more than its limit of ${this.limits.maxConnections}; retry shortly`), {
        close: true,
      });
      return;
    }
    const path = pathOf(request.url);
    const consoleRoute = this.options.console?.handles(path) === true ? this.options.console : undefined;
    let admission: Admission;
    try {
      admission = this.gatekeeper.admit({
        authorization: request.headers.authorization,
        address: request.socket.remoteAddress ?? 'unknown',
        ...contentLength(request),
        // The console's files are public like /healthz: the page asks for a token itself and sends it to the API.
        publicPath: consoleRoute !== undefined || publicPaths.has(path),
      });
    } catch (error) {
      // A client waiting for 100 Continue has sent no body: close, so it never does.
      this.refuse(request, response, error, { close: options.continueOnAdmission === true });
      return;
    }
    if (options.continueOnAdmission === true) response.writeContinue();
    if (consoleRoute !== undefined) {
      await this.serveConsole(consoleRoute, request, response, { path, caller: admission.principal.name });
      return;
    }
    let routed = false;
    try {
      const body = await readBody(request, PublishLimits.requestBytes);
      if (request.headers['content-length'] === undefined) this.gatekeeper.chargeBody(admission, Buffer.byteLength(body));
      routed = true;
      const event = toApiGatewayEvent(request, body);
      const context = lambdaContext(this.options.services, controller.signal, event.requestContext.requestId);
      context.principal = admission.principal;
      context.holdLongPoll = () => this.gatekeeper.holdLongPoll(admission);
      const result = await this.options.handler(event, context);
      const structured = typeof result === 'string' ? jsonResponse(200, result) : result;
      // Node keeps the connection or closes it as the client asked; once stopping, it closes.
      const headers = { ...structured.headers, ...(this.server.listening ? {} : { connection: 'close' }) };
      response.writeHead(structured.statusCode ?? 200, headers as Record<string, string>);
      // As a Buffer: its memory is external, which V8 counts toward collecting the garbage a large answer leaves behind,
      // and the socket sends it without a native copy of the string. 10 concurrent 8 MiB reads peaked at about 250 MB
      // of RSS instead of about 400 MB (with today's default budget of 4 MiB: 135-153 MB).
      response.end(structured.body === undefined ? undefined : Buffer.from(structured.body));
    } catch (error) {
      const expected = error instanceof ConveyorError;
      if (!expected) this.options.logger.error({ err: error }, 'local server failed to answer');
      const answer = expected ? errorResponse(error) : internalErrorResponse();
      // A body that could not be read (too large, cut off) never reached a route.
      if (!routed) this.observeRefused(request, answer.statusCode ?? 500, admission.principal.name);
      if (!response.headersSent) response.writeHead(answer.statusCode ?? 500, { ...(answer.headers as Record<string, string>), connection: 'close' });
      response.end(answer.body);
    }
  }

  /** A static file of the console, or its JSON error, observed like an API request; a body sent along is discarded unread. */
  private async serveConsole(route: ConsoleRoute, request: IncomingMessage, response: ServerResponse, target: { readonly path: string; readonly caller: string }): Promise<void> {
    const started = process.hrtime.bigint();
    request.resume();
    const method = request.method ?? 'GET';
    try {
      const answer = await route.answer(method, target.path, request.headers['if-none-match']);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.options.services.metrics.observeRequest(method, answer.route, answer.status, seconds);
      this.options.services.accessLog.record({ method, route: answer.route, status: answer.status, durationMs: seconds * 1000, caller: target.caller, requestId: randomUUID() });
      response.writeHead(answer.status, { ...answer.headers, ...(this.server.listening ? {} : { connection: 'close' }) });
      response.end(answer.body);
    } catch (error) {
      this.options.logger.error({ err: error }, 'local server failed to serve a console file');
      const answer = internalErrorResponse();
      if (!response.headersSent) response.writeHead(answer.statusCode ?? 500, { ...(answer.headers as Record<string, string>), connection: 'close' });
      response.end(answer.body);
    }
  }

  /**
   * Answers without reading the body. What the client still sends is discarded as
   * it arrives, never buffered: a body of up to the request limit is drained so
   * the client reads the answer (closing on unread data would reset the
   * connection and lose it), a larger or over-limit one closes the connection.
   */
  private refuse(request: IncomingMessage, response: ServerResponse, error: unknown, options: { readonly close?: boolean } = {}): void {
    const answer = error instanceof ConveyorError ? errorResponse(error) : internalErrorResponse();
    if (!(error instanceof ConveyorError)) this.options.logger.error({ err: error }, 'local server failed to admit a request');
    const declared = contentLength(request).contentLength ?? 0;
    const close = options.close === true || declared > PublishLimits.requestBytes;
    this.observeRefused(request, answer.statusCode ?? 500, null);
    response.writeHead(answer.statusCode ?? 500, { ...(answer.headers as Record<string, string>), ...(close ? { connection: 'close' } : {}) });
    response.end(answer.body);
    request.resume();
  }

  /** Refused before routing: counted and logged under one route label, so rate limiting and bad tokens show in /metrics and the access log. */
  private observeRefused(request: IncomingMessage, status: number, caller: string | null): void {
    const method = request.method ?? 'GET';
    this.options.services.metrics.observeRequest(method, REFUSED_ROUTE, status, 0);
    this.options.services.accessLog.record({ method, route: REFUSED_ROUTE, status, durationMs: 0, caller, requestId: randomUUID() });
  }
}
