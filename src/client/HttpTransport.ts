import type { RequestSigner } from './aws/sigV4Signer.js';
import { ConveyorError, retryAfterSeconds } from './errors.js';
import { pause, type RetryPolicy } from './RetryPolicy.js';

export interface TransportSettings {
  readonly fetch: typeof fetch;
  readonly retry: RetryPolicy;
  readonly userAgent: string;
  readonly token?: string;
  /** Loaded on the first request, then kept. */
  readonly signer?: () => Promise<RequestSigner>;
}

/** Whether a request may be sent again after it may have been carried out. */
export interface SendPolicy {
  /**
   * True when doing it twice does what doing it once does: reads, PUT, DELETE
   * and PATCH, a publish whose every message has an `id` (within the topic's
   * dedup window), an ack or an extend. False for a publish without ids, a
   * pull, a nack, a seek, a redrive, and a commit of group offsets (another
   * member may have committed further meanwhile).
   */
  readonly repeatable: boolean;
}

/** Refused at the edge before any work: any request may be sent again. */
const REFUSED_UNDONE: ReadonlySet<number> = new Set([429]);
/** Also a 503, which a backend may answer after doing part of the work: only a repeatable request is sent again. */
const REFUSED_MAYBE_PART_DONE: ReadonlySet<number> = new Set([429, 503]);

/**
 * Sends conveyor/client's requests: adds the user agent and the bearer token
 * or the SigV4 signature (fresh for every attempt), and sends a refused
 * request again after the backoff or the Retry-After it asks for, up to
 * `retry.maxAttempts` in all. Any request is sent again after 429, which
 * the API answers before doing anything. 503 and no answer at all (connection
 * refused or reset) may follow work done in part (on AWS a publish may have
 * appended some of its messages), so after them only a `repeatable` request
 * is sent again; another gets the 503, or a NetworkError.
 * The last answer is returned as it came; the caller turns a non-2xx into a
 * ConveyorError.
 */
export class HttpTransport {
  private signer: Promise<RequestSigner> | undefined;

  public constructor(private readonly settings: TransportSettings) {}

  public async send(request: Request, policy: SendPolicy): Promise<Response> {
    const { retry } = this.settings;
    const body = request.body === null ? undefined : await request.text();
    const signal = request.signal;
    for (let attempt = 1; ; attempt += 1) {
      const headers = await this.headersFor(request, body);
      let response: Response;
      try {
        response = await this.settings.fetch(request.url, { method: request.method, headers, signal, ...(body === undefined ? {} : { body }) });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (!policy.repeatable || attempt >= retry.maxAttempts) throw networkError(request, error, attempt);
        await pause(retry.delayMs(attempt), signal);
        continue;
      }
      const retried = policy.repeatable ? REFUSED_MAYBE_PART_DONE : REFUSED_UNDONE;
      if (!retried.has(response.status) || attempt >= retry.maxAttempts) return response;
      const delay = retry.delayMs(attempt, retryAfterSeconds(response.headers.get('retry-after')));
      // The server asked for a longer wait than the caller allows: the caller decides.
      if (delay > retry.maxDelayMs) return response;
      await response.body?.cancel();
      await pause(delay, signal);
    }
  }

  private async headersFor(request: Request, body: string | undefined): Promise<Headers> {
    const headers = new Headers(request.headers);
    headers.set('user-agent', this.settings.userAgent);
    if (this.settings.token !== undefined) headers.set('authorization', `Bearer ${this.settings.token}`);
    if (this.settings.signer !== undefined) {
      this.signer ??= this.settings.signer();
      const sign = await this.signer.catch((error: unknown) => {
        // A failed load (a missing package, no region) is not kept: the next request tries again.
        this.signer = undefined;
        throw error;
      });
      await sign({ method: request.method, url: request.url, headers, ...(body === undefined ? {} : { body }) });
    }
    return headers;
  }
}

function networkError(request: Request, error: unknown, attempts: number): ConveyorError {
  const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  const tries = attempts === 1 ? '' : ` (${attempts} attempts)`;
  const target = new URL(request.url);
  return new ConveyorError({
    status: 0,
    code: 'NetworkError',
    message: `no answer from ${target.origin}${tries}: ${reason}`,
    request: `${request.method} ${target.pathname}${target.search}`,
    cause: error,
  });
}
