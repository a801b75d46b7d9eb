import type { Clock } from '../../src/ports/Clock.js';

/**
 * Real time plus an offset the test controls: time still flows (long-polls and
 * group commit behave as in production) but a test can jump ahead by hours.
 * A test that compares due times to the millisecond can `freeze` the clock, so
 * that only `advance` moves it and real time spent on requests does not count.
 */
export class TestClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  /** The clock as offset and freeze point, for an emulator that keeps the same clock. */
  public state(): { readonly offsetMs: number; readonly frozenAtMs: number | null } {
    return { offsetMs: this.offsetMs, frozenAtMs: this.frozenAt ?? null };
  }

  public now(): number {
    return (this.frozenAt ?? Date.now()) + this.offsetMs;
  }

  public advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Stops real time from moving the clock; `advance` still does. Long-polls with a wait never end while frozen. */
  public freeze(): void {
    this.frozenAt ??= Date.now();
  }

  /** Lets real time flow again from where the clock stood, so it never runs backwards. */
  public resume(): void {
    if (this.frozenAt === undefined) return;
    this.offsetMs -= Date.now() - this.frozenAt;
    this.frozenAt = undefined;
  }
}
