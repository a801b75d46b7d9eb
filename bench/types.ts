/**
 * The shapes every part of the benchmark shares: what a driver must offer for
 * one messaging system, and what a scenario records.
 */

/** A message body as the driver hands it back: text (Conveyor's JSON body) or raw bytes (the peers). */
export type Payload = string | Buffer;

/** Where a scenario publishes to and consumes from: one topic (stream, exchange) and its subscriptions. */
export interface Topology {
  /** Unique per scenario run, so no run sees another's messages. */
  readonly name: string;
  /** Independent consumers of every message (Conveyor subscriptions, RabbitMQ queues, Redis groups, NATS consumers). */
  readonly subscriptions: number;
  /** Conveyor partitions; peers without partitions ignore it. */
  readonly partitions: number;
}

/** Publishes durably: `publish` resolves once the broker has acknowledged every payload of the batch. */
export interface Publisher {
  publish(payloads: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Called with each batch delivered to a consumer; the driver acks the batch once this returns. */
export type OnMessages = (payloads: readonly Payload[]) => void;

/** A running consumer (manual acks). `stop` ends its loop and resolves when it no longer receives. */
export interface Consumer {
  stop(): Promise<void>;
  /** The error that ended the consumer early, if one did (scenarios then fail at once instead of waiting). */
  failure(): unknown;
}

/**
 * How a consumer acks. `each`: the harness's original clients (RabbitMQ acks
 * every delivery, prefetch 100). `batched`: the cheapest acking each protocol
 * offers for competing consumers (RabbitMQ: prefetch 200, one multiple-ack per
 * 50 deliveries and on stop). Conveyor and Redis ack a pulled batch in one call
 * either way; NATS acks each message either way (AckAll needs ack policy `all`,
 * which on a pull consumer shared by competing clients would ack the other
 * clients' in-flight messages, and ordered consumers do not ack at all).
 */
export type AckStyle = 'each' | 'batched';

/** A created topology, ready for publishers and consumers. */
export interface Target {
  publisher(): Promise<Publisher>;
  /** Starts a competing consumer on subscription `index` (0-based); `acks` defaults to `each`. */
  consume(index: number, onMessages: OnMessages, acks?: AckStyle): Promise<Consumer>;
  /** Removes everything `create` made, messages included. */
  delete(): Promise<void>;
}

/** One system under test, connected. */
export interface Driver {
  /** The broker's process id on this machine, for RSS and CPU readings; undefined when it cannot be found. */
  brokerPid(): number | undefined;
  create(topology: Topology): Promise<Target>;
  close(): Promise<void>;
}

/** A system the harness knows how to run; `open` starts or connects to it. */
export interface SystemSpec {
  /** Where the peer listens; the harness skips the system when nothing answers there. */
  readonly endpoint?: { readonly host: string; readonly port: number };
  /** Stable id used on the command line and in the JSON (e.g. `rabbitmq-quorum`). */
  readonly id: string;
  readonly label: string;
  /** The durability guarantee of an acknowledged publish, as configured for the run. */
  readonly durability: string;
  /** Whether it is Conveyor (its figures are compared with every peer's). */
  readonly conveyor: boolean;
  open(): Promise<Driver>;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly samples: number;
}

/** The broker process's resource use over one measured phase. */
export interface BrokerUsage {
  /** Highest resident set seen (MiB), from VmHWM after a reset or sampled VmRSS. */
  readonly peakRssMb: number;
  /** User + system CPU seconds the broker used during the phase. */
  readonly cpuSeconds: number;
}

/** One figure of one scenario for one system. */
export interface Measurement {
  /** Scenario id: publish, e2e, latency, fanout, drain. */
  readonly scenario: string;
  /** The row this figure belongs to, the same for every system (e.g. `publish batch 10`); ratios pair figures by it. */
  readonly row: string;
  /** How this system ran the row, e.g. the offered rate. */
  readonly variant: string;
  readonly messages: number;
  readonly seconds: number;
  readonly msgsPerSec: number;
  readonly latencyMs?: LatencySummary;
  readonly broker?: BrokerUsage;
  /** Load-generator CPU seconds (this process) during the phase. */
  readonly clientCpuSeconds: number;
  /** Scenario-specific figures (offered rate, deliveries/s, preload rate, …). */
  readonly extra?: Readonly<Record<string, number | string>>;
}

export interface SystemResult {
  readonly id: string;
  readonly label: string;
  readonly durability: string;
  readonly conveyor: boolean;
  /** Set when the system was not measured (unreachable, failed); then `measurements` is empty or partial. */
  readonly skipped?: string;
  readonly error?: string;
  readonly measurements: Measurement[];
}
