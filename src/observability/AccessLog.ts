import type { Logger } from 'pino';

/** One request as the access log records it. */
export interface AccessLogEntry {
  readonly method: string;
  /** The route template (`/v1/topics/{topic}`), never the concrete path; `refused before routing` or `unmatched` otherwise. */
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
  /** The caller's name as its Principal gives it (a token's name, `anonymous`, an IAM ARN, a JWT subject), never a token; null when no caller was identified. */
  readonly caller: string | null;
  readonly requestId: string;
}

/**
 * The access log: one line at `info` per request, through the process's pino
 * logger, with the same route labels as the request metrics. Off, it records
 * nothing (CONVEYOR_ACCESS_LOG=off).
 *
 * @example
 * const accessLog = new AccessLog(logger);
 * accessLog.record({ method: 'GET', route: '/v1/topics/{topic}', status: 200, durationMs: 1.2, caller: 'checkout', requestId });
 * // {"level":30,"method":"GET","route":"/v1/topics/{topic}","status":200,"durationMs":1.2,"caller":"checkout","requestId":"…","msg":"request"}
 */
export class AccessLog {
  public constructor(
    private readonly logger: Logger,
    public readonly enabled: boolean = true,
  ) {}

  public record(entry: AccessLogEntry): void {
    if (!this.enabled) return;
    this.logger.info({ ...entry, durationMs: Math.round(entry.durationMs * 1000) / 1000 }, 'request');
  }
}
