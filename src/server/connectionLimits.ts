/** Bounds on connections and requests, so no client can hold the server's resources for long. */
export interface ConnectionLimits {
  /** Open connections at once; one more is answered 503 and closed. */
  readonly maxConnections: number;
  /** Time to receive a request's headers (Node's headersTimeout); then 408 and close. */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included (Node's requestTimeout); then 408 and close. */
  readonly requestTimeoutMs: number;
  /** Long-polls one token (or client address, without tokens) holds at once; one more is 429. */
  readonly maxLongPollsPerCaller: number;
}

/** What the server uses when the environment sets nothing (README, Configuration). */
export const CONNECTION_DEFAULTS: ConnectionLimits = {
  maxConnections: 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  maxLongPollsPerCaller: 64,
};
