/** Time source of the broker. Tests inject a controllable one; everything else uses the system clock. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
