import { AckPolicy, connect, StorageType, type JetStreamManager, type NatsConnection } from 'nats';
import { findPid } from '../system/processes.js';
import type { Consumer, Driver, OnMessages, Publisher, SystemSpec, Target, Topology } from '../types.js';

const SERVERS = '127.0.0.1:4222';
/** Messages a consumer asks for at once, as Conveyor's largest pull. */
const MAX_MESSAGES = 100;
const encoder = new TextEncoder();

function subjectOf(stream: string): string {
  return `bench.${stream}`;
}

class NatsTarget implements Target {
  constructor(
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly durables: readonly string[],
  ) {}

  /** Its own connection; a batch is that many concurrent `js.publish` calls, each resolved by the stream's PubAck. */
  async publisher(): Promise<Publisher> {
    const connection = await connect({ servers: SERVERS });
    const js = connection.jetstream();
    const subject = subjectOf(this.stream);
    return {
      publish: async (payloads) => {
        await Promise.all(payloads.map((payload) => js.publish(subject, encoder.encode(payload))));
      },
      close: () => connection.drain(),
    };
  }

  /** Competing consumers share one durable pull consumer (explicit acks); each has its own connection. */
  async consume(index: number, onMessages: OnMessages): Promise<Consumer> {
    const connection = await connect({ servers: SERVERS });
    const consumer = await connection.jetstream().consumers.get(this.stream, this.durables[index]!);
    const messages = await consumer.consume({ max_messages: MAX_MESSAGES });
    let failure: unknown;
    const loop = (async () => {
      for await (const message of messages) {
        onMessages([Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength)]);
        message.ack();
      }
    })().catch((error: unknown) => {
      failure = error;
    });
    return {
      stop: async () => {
        await messages.close();
        await loop;
        await connection.drain();
      },
      failure: () => failure,
    };
  }

  async delete(): Promise<void> {
    await this.jsm.streams.delete(this.stream);
  }
}

class NatsJetStreamDriver implements Driver {
  constructor(
    private readonly admin: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {}

  brokerPid(): number | undefined {
    return findPid('nats-server');
  }

  /** One file-storage stream (limits retention, one replica) and one durable explicit-ack consumer per subscription. */
  async create(topology: Topology): Promise<Target> {
    const stream = topology.name;
    await this.jsm.streams.add({ name: stream, subjects: [subjectOf(stream)], storage: StorageType.File, num_replicas: 1 });
    const durables: string[] = [];
    for (let index = 0; index < topology.subscriptions; index++) {
      const durable = `s${index}`;
      await this.jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, max_ack_pending: 10_000 });
      durables.push(durable);
    }
    return new NatsTarget(this.jsm, stream, durables);
  }

  async close(): Promise<void> {
    await this.admin.close();
  }
}

/**
 * NATS JetStream with file storage. Its fsync policy is a server setting, not a
 * stream setting: `jetstream { sync_interval: always }` exists only from
 * nats-server 2.10, and cannot be changed at runtime.
 */
export function natsJetStreamSystem(): SystemSpec {
  return {
    id: 'nats-jetstream',
    label: 'NATS JetStream',
    durability:
      'file storage, 1 replica, server default sync: writes reach the OS page cache before the PubAck, fsync happens on the server sync timer (2 min default), so an acknowledged publish can be lost on power failure; sync: always cannot be set per stream or at runtime',
    conveyor: false,
    open: async () => {
      const admin = await connect({ servers: SERVERS });
      return new NatsJetStreamDriver(admin, await admin.jetstreamManager());
    },
  };
}
