/**
 * Counters the broker and its adapters report to. The HTTP edge plugs in a
 * Prometheus registry; the default does nothing.
 */
export interface Telemetry {
  published(topic: string, count: number): void;
  delivered(topic: string, subscription: string, count: number): void;
  acked(topic: string, subscription: string, count: number): void;
  nacked(topic: string, subscription: string, count: number): void;
  deadLettered(topic: string, subscription: string, count: number): void;
  /** The topic is gone, with its subscriptions: nothing should be reported under its name any more. */
  topicDeleted(topic: string): void;
  /** The subscription is gone: nothing should be reported under its name any more. */
  subscriptionDeleted(topic: string, subscription: string): void;
}

export const noTelemetry: Telemetry = {
  published: () => undefined,
  delivered: () => undefined,
  acked: () => undefined,
  nacked: () => undefined,
  deadLettered: () => undefined,
  topicDeleted: () => undefined,
  subscriptionDeleted: () => undefined,
};
