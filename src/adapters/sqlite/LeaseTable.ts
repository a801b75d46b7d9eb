/** A message leased to a consumer: kept in memory only, like RabbitMQ's and Kafka's unacked state. */
export interface Lease {
  readonly token: number;
  /** Epoch ms the lease ends at; an extension moves it (SubscriptionLeases.extend). */
  until: number;
  /** Deliveries including this one. The row keeps the count of the earlier, failed ones. */
  readonly attempts: number;
  readonly orderKey: string | null;
  /** The row's due time when it was leased (the row keeps it while leased). */
  readonly dueAt: number;
}

/** A position in a subscription's ready index, (due_at, seq). */
export interface ReadyPosition {
  readonly dueAt: number;
  readonly seq: number;
}

/** Before every row: where a subscription's first scan starts. */
const START: ReadyPosition = { dueAt: Number.MIN_SAFE_INTEGER, seq: Number.MIN_SAFE_INTEGER };

const before = (a: ReadyPosition, b: ReadyPosition): boolean => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);

/** One subscription's leases, and how far its ready rows have been handed out. */
export class SubscriptionLeases {
  public readonly leases = new Map<number, Lease>();
  /**
   * Every ready row at or before this position was leased when a pull passed it:
   * the next pull starts after it. Whatever makes a row ready again at or before it
   * (a failed delivery, a promoted key, a redrive) moves it back (`rewind`).
   */
  public cursor: ReadyPosition | null = null;

  /** Where the next scan of ready rows starts: after the cursor. */
  public get scanFrom(): ReadyPosition {
    return this.cursor ?? START;
  }
  /** No lease ends before this: a lower bound, kept by `add` and `extend` (an ack only raises the true minimum). */
  private earliestUntil = Number.POSITIVE_INFINITY;

  public add(seq: number, lease: Lease): void {
    this.leases.set(seq, lease);
    if (lease.until < this.earliestUntil) this.earliestUntil = lease.until;
  }

  /** Moves the end of a held lease (an extension, possibly to now). */
  public extend(lease: Lease, until: number): void {
    lease.until = until;
    if (until < this.earliestUntil) this.earliestUntil = until;
  }

  /** The leases that ended at or before `now`, oldest seq first; each is still held until settled. */
  public ended(now: number): Array<[number, Lease]> {
    if (now < this.earliestUntil) return [];
    const ended: Array<[number, Lease]> = [];
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of this.leases) {
      if (entry[1].until <= now) ended.push(entry);
      if (entry[1].until < earliest) earliest = entry[1].until;
    }
    this.earliestUntil = earliest;
    return ended;
  }

  public nextEnd(): number | null {
    let earliest: number | null = null;
    for (const { until } of this.leases.values()) if (earliest === null || until < earliest) earliest = until;
    return earliest;
  }

  /** A row became ready at `position`: the next pull must not start after it. */
  public rewind(position: ReadyPosition): void {
    if (this.cursor !== null && !before(this.cursor, position)) this.cursor = { dueAt: position.dueAt, seq: position.seq - 1 };
  }
}

/**
 * The embedded backend's leases, per subscription row id. A lease costs no
 * write: the row stays ready in `deliveries` while this table says who holds it.
 * A crash forgets every lease, so leased messages are ready again on restart
 * (at-least-once allows it), and that delivery is not counted in the row's
 * attempts. Acks, nacks, expiries and dead letters are written as before.
 */
export class LeaseTable {
  private readonly subscriptions = new Map<number, SubscriptionLeases>();

  public of(subId: number): SubscriptionLeases {
    let leases = this.subscriptions.get(subId);
    if (leases === undefined) {
      leases = new SubscriptionLeases();
      this.subscriptions.set(subId, leases);
    }
    return leases;
  }

  public find(subId: number): SubscriptionLeases | undefined {
    return this.subscriptions.get(subId);
  }

  public entries(): IterableIterator<[number, SubscriptionLeases]> {
    return this.subscriptions.entries();
  }

  public rewind(subId: number, position: ReadyPosition): void {
    this.subscriptions.get(subId)?.rewind(position);
  }

  /** Rows of the subscription up to `seq` were deleted (retention): their leases go too. Returns them, to be given back if the deletion rolls back. */
  public dropUpTo(subId: number, seq: number): Array<[number, Lease]> {
    const leases = this.subscriptions.get(subId);
    if (leases === undefined) return [];
    const dropped = [...leases.leases].filter(([leased]) => leased <= seq);
    for (const [leased] of dropped) leases.leases.delete(leased);
    return dropped;
  }

  /** The subscription is being emptied or deleted. */
  public forget(subId: number): void {
    this.subscriptions.delete(subId);
  }
}
