import { UnauthorizedError } from '../domain/errors.js';
import { ConcurrencyLimiter } from './ConcurrencyLimiter.js';
import { Principal } from './Principal.js';
import { RateLimiter } from './RateLimiter.js';
import { FAILED_AUTH_RATE_LIMIT, type RateLimit } from './rateLimits.js';
import { TokenRegistry } from './TokenRegistry.js';

export interface GatekeeperOptions {
  readonly tokens: TokenRegistry;
  /** CONVEYOR_RATE_LIMIT: every token without its own limit, or every client address when there are no tokens. */
  readonly defaultRateLimit?: RateLimit;
  /** Requests that fail authentication, per client address. @default FAILED_AUTH_RATE_LIMIT, or defaultRateLimit when set */
  readonly failedAuthRateLimit?: RateLimit;
  /** Long-polls one caller may hold at once. @default 64 */
  readonly maxLongPollsPerCaller?: number;
  readonly rateLimiter?: RateLimiter;
}

/** A request let in: who sent it, and the key its limits are counted under. */
export interface Admission {
  readonly principal: Principal;
  /** `token <name>` or `address <ip>`. */
  readonly caller: string;
  readonly rateLimit: RateLimit | undefined;
}

const ANONYMOUS = Principal.admin('anonymous');

/**
 * The server's door: identifies the caller from the headers and charges its
 * rate limit before the body is read, so an unauthenticated or over-limit
 * request costs no more than its headers. A failed authentication is charged
 * to the client address, so guessing tokens is slow.
 *
 * @example
 * const admission = gatekeeper.admit({ authorization: req.headers.authorization, address: req.socket.remoteAddress, contentLength: 120 });
 */
export class Gatekeeper {
  private readonly limiter: RateLimiter;
  private readonly longPolls: ConcurrencyLimiter;
  private readonly failedAuth: RateLimit;

  public constructor(private readonly options: GatekeeperOptions) {
    this.limiter = options.rateLimiter ?? new RateLimiter();
    this.longPolls = new ConcurrencyLimiter(options.maxLongPollsPerCaller ?? 64, 'long-polls');
    this.failedAuth = options.failedAuthRateLimit ?? options.defaultRateLimit ?? FAILED_AUTH_RATE_LIMIT;
  }

  /** Throws Unauthorized (401) or RateLimited (429); `publicPath` requests (health) skip authentication but not the address limit. */
  public admit(request: { readonly authorization: string | undefined; readonly address: string; readonly contentLength?: number; readonly publicPath?: boolean }): Admission {
    const addressKey = `address ${request.address}`;
    if (!this.options.tokens.enabled || request.publicPath === true) {
      const limit = this.options.defaultRateLimit;
      if (limit !== undefined && !this.options.tokens.enabled) this.limiter.charge(addressKey, limit, { requests: 1, bytes: request.contentLength ?? 0 });
      return { principal: ANONYMOUS, caller: addressKey, rateLimit: this.options.tokens.enabled ? undefined : limit };
    }
    let authenticated;
    try {
      authenticated = this.options.tokens.authenticate(request.authorization);
    } catch (error) {
      if (error instanceof UnauthorizedError) this.limiter.charge(addressKey, this.failedAuth, { requests: 1 });
      throw error;
    }
    const caller = `token ${JSON.stringify(authenticated.principal.name)}`;
    const limit = authenticated.rateLimit ?? this.options.defaultRateLimit;
    if (limit !== undefined) this.limiter.charge(caller, limit, { requests: 1, bytes: request.contentLength ?? 0 });
    return { principal: authenticated.principal, caller, rateLimit: limit };
  }

  /** Charges body bytes learnt only while reading (no Content-Length). */
  public chargeBody(admission: Admission, bytes: number): void {
    if (admission.rateLimit !== undefined && bytes > 0) this.limiter.charge(admission.caller, admission.rateLimit, { bytes });
  }

  /** Holds one of the caller's long-poll slots until the returned function is called. */
  public holdLongPoll(admission: Admission): () => void {
    return this.longPolls.acquire(admission.caller);
  }
}
