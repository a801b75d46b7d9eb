import type { Logger } from 'pino';
import type { Backend } from '../ports/Backend.js';
import type { Clock } from '../ports/Clock.js';
import type { Schedules } from './Schedules.js';

export interface MaintenanceOptions {
  /** Longest sleep between passes, so clock jumps and missed wake-ups heal. @default 1000 */
  readonly maxSleepMs?: number;
  /** How often retention and dedup expiry run. @default 60000 */
  readonly trimEveryMs?: number;
}

export interface PassReport {
  readonly released: number;
  readonly expired: number;
  readonly fired: number;
  readonly trimmed: number;
  /** Steps that failed this pass; the others still ran. */
  readonly failed: readonly string[];
}

/**
 * The one timer of the broker. Each pass releases due delayed messages,
 * expires leases, fires due schedules and, now and then, trims retention;
 * then it sleeps until the earliest indexed due time. No timer per message.
 *
 * @example
 * const maintenance = new Maintenance(backend, schedules, clock, logger);
 * maintenance.start();
 * await maintenance.stop();
 */
export class Maintenance {
  private readonly maxSleepMs: number;
  private readonly trimEveryMs: number;
  private lastTrimAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;

  public constructor(
    private readonly backend: Backend,
    private readonly schedules: Schedules,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: MaintenanceOptions = {},
  ) {
    this.maxSleepMs = options.maxSleepMs ?? 1000;
    this.trimEveryMs = options.trimEveryMs ?? 60_000;
  }

  /** One pass over every kind of due work. Tests drive it directly with a manual clock. */
  public async runOnce(): Promise<PassReport> {
    const now = this.clock.now();
    const failed: string[] = [];
    // Each step runs even when another fails: one stuck delayed message must not stop lease expiry.
    const step = async (name: string, work: () => Promise<number>): Promise<number> => {
      try {
        return await work();
      } catch (error) {
        failed.push(name);
        this.logger.error({ err: error, step: name }, 'maintenance step failed; it runs again next pass');
        return 0;
      }
    };
    const released = await step('releaseDelayed', () => this.backend.delayed.releaseDue(now));
    const expired = await step('expireLeases', () => this.backend.queues.expireLeases(now));
    const fired = await step('fireSchedules', () => this.schedules.fireDue());
    let trimmed = 0;
    if (now - this.lastTrimAt >= this.trimEveryMs) {
      this.lastTrimAt = now;
      trimmed = await step('trimRetention', () => this.backend.log.trimExpired(now));
    }
    return { released, expired, fired, trimmed, failed };
  }

  public start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Cuts the current sleep short, e.g. after a delayed message was stored. */
  public wake(): void {
    if (this.stopped) return;
    // During a pass the due times it read may already be stale: run again right after it.
    if (this.running !== undefined) this.wakeRequested = true;
    else this.schedule(0);
  }

  public async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    this.wakeRequested = false;
    const { failed } = await this.runOnce();
    if (this.stopped) return;
    // After a failure, wait the longest sleep instead of retrying at once in a tight loop.
    if (failed.length > 0) this.schedule(this.maxSleepMs);
    else this.schedule(this.wakeRequested ? 0 : await this.sleepMs());
  }

  private async sleepMs(): Promise<number> {
    try {
      const dues = await Promise.all([this.backend.delayed.nextDueAt(), this.backend.queues.nextLeaseExpiryAt(), this.backend.metadata.nextScheduleAt()]);
      const earliest = Math.min(...dues.filter((due): due is number => due !== null));
      return Math.max(0, Math.min(this.maxSleepMs, earliest - this.clock.now()));
    } catch {
      return this.maxSleepMs;
    }
  }
}
