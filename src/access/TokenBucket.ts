/**
 * A token bucket: holds up to `capacity` units, refilled at `perSecond`. A cost
 * larger than the whole bucket is let through once the bucket is full, leaving
 * it in debt, so no single request is refused forever for its size alone.
 *
 * @example
 * const bucket = new TokenBucket(10, 20, Date.now());
 * bucket.take(1, Date.now()); // 0: allowed
 */
export class TokenBucket {
  private level: number;

  public constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
    private updatedAt: number,
  ) {
    this.level = capacity;
  }

  /** Takes `cost` units: 0 when allowed, otherwise the seconds until it would be (nothing taken). */
  public take(cost: number, now: number): number {
    this.refill(now);
    const needed = Math.min(cost, this.capacity);
    if (this.level >= needed) {
      this.level -= cost;
      return 0;
    }
    return (needed - this.level) / this.perSecond;
  }

  /** Puts back what an earlier `take` took, for a request that was not served after all. */
  public refund(cost: number): void {
    this.level = Math.min(this.capacity, this.level + cost);
  }

  /** Whether the bucket is full again: an idle caller's state can be forgotten. */
  public isFull(now: number): boolean {
    this.refill(now);
    return this.level >= this.capacity;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.level = Math.min(this.capacity, this.level + elapsed * this.perSecond);
    this.updatedAt = now;
  }
}
