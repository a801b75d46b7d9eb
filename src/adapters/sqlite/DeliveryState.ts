/** States of a row in `deliveries`: one subscription's copy of one log message. */
export const DeliveryState = {
  /** Deliverable from `due_at` on. */
  Ready: 0,
  /** Leased to a consumer until `due_at`: written only by schema versions up to 3 (leases are in memory now, LeaseTable). */
  Leased: 1,
  /** Ordered subscription: waits until the earlier messages of its key are done. */
  Blocked: 2,
  /** Dead letter since `dead_at` (`due_at` holds the same time, for the index). */
  Dead: 3,
} as const;
export type DeliveryState = (typeof DeliveryState)[keyof typeof DeliveryState];
