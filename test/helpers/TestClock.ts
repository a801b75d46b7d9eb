import type { Clock } from '../../src/ports/Clock.js';

/**
 * Real time plus an offset the test controls: time still flows (long-polls and
 * group commit behave as in production) but a test can jump ahead by hours.
 */
export class TestClock implements Clock {
  private offsetMs = 0;

  public now(): number {
    return Date.now() + this.offsetMs;
  }

  public advance(ms: number): void {
    this.offsetMs += ms;
  }
}
