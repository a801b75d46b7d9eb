import type { AckStyle, Consumer, Driver, OnMessages, Publisher, SystemSpec, Target, Topology } from '../types.js';
import { ConveyorServer, type ConveyorServerOptions } from './ConveyorServer.js';
import { JsonHttpClient } from './JsonHttpClient.js';
import { pollingConsumer } from './pollingConsumer.js';

/** Per pull: the API's maximum, and a long poll so idle consumers do not spin. */
const PULL = { max: 100, waitSeconds: 1 } as const;

interface Delivery {
  readonly ackId: string;
  readonly body: string;
}

function subscriptionPath(topic: string, index: number): string {
  return `/v1/topics/${topic}/subscriptions/s${index}`;
}

class ConveyorTarget implements Target {
  constructor(
    private readonly http: JsonHttpClient,
    private readonly topic: string,
  ) {}

  async publisher(): Promise<Publisher> {
    const path = `/v1/topics/${this.topic}/messages`;
    return {
      publish: async (payloads) => {
        await this.http.call('POST', path, { messages: payloads.map((body) => ({ body })) });
      },
      close: async () => undefined,
    };
  }

  /**
   * `each`: pull, then one ack request for what came. `batched`: the ack ids of
   * each batch ride on the next pull (`ackIds`), one request per batch; the
   * last batch's are acked on stop.
   */
  async consume(index: number, onMessages: OnMessages, acks: AckStyle = 'each'): Promise<Consumer> {
    const path = subscriptionPath(this.topic, index);
    const polls = new AbortController();
    let unacked: string[] = [];
    const consumer = pollingConsumer(
      async () => {
        const carried = unacked;
        const { messages } = await this.http.call<{ messages: Delivery[] }>('POST', `${path}/pull`, carried.length > 0 ? { ...PULL, ackIds: carried } : PULL, polls.signal);
        unacked = [];
        if (messages.length === 0) return;
        onMessages(messages.map((message) => message.body));
        const ackIds = messages.map((message) => message.ackId);
        if (acks === 'batched') unacked = ackIds;
        else await this.http.call('POST', `${path}/ack`, { ackIds });
      },
      // Stopping aborts a pull waiting in its long poll, so teardown does not wait up to a second for it.
      () => polls.abort(),
    );
    return {
      ...consumer,
      stop: async () => {
        await consumer.stop();
        // An aborted pull may have acked them already: acking twice only reports them as invalid the second time.
        if (unacked.length > 0) await this.http.call('POST', `${path}/ack`, { ackIds: unacked });
      },
    };
  }

  async delete(): Promise<void> {
    await this.http.call('DELETE', `/v1/topics/${this.topic}`);
  }
}

class ConveyorDriver implements Driver {
  constructor(
    private readonly server: ConveyorServer,
    private readonly http: JsonHttpClient,
  ) {}

  brokerPid(): number | undefined {
    return this.server.pid;
  }

  async create(topology: Topology): Promise<Target> {
    await this.http.call('PUT', `/v1/topics/${topology.name}`, { partitions: topology.partitions });
    for (let index = 0; index < topology.subscriptions; index++) {
      await this.http.call('PUT', subscriptionPath(topology.name, index), { ackDeadlineSeconds: 60 });
    }
    return new ConveyorTarget(this.http, topology.name);
  }

  async close(): Promise<void> {
    this.http.close();
    await this.server.stop();
  }
}

/**
 * Conveyor over HTTP on loopback, one server process per variant: publish is
 * `POST /v1/topics/{t}/messages` with the whole batch, consume is pull(max 100,
 * waitSeconds 1) then one ack request for what was pulled.
 */
export function conveyorSystem(sync: 'FULL' | 'GROUP', server: Omit<ConveyorServerOptions, 'sync'> = {}): SystemSpec {
  const durability =
    sync === 'FULL'
      ? 'SQLite WAL synchronous=FULL: every acknowledged publish is fsynced (group commit)'
      : 'CONVEYOR_SYNC=GROUP: one WAL fdatasync per commit group, off the event loop; acknowledged publishes are fsynced';
  return {
    id: `conveyor-${sync.toLowerCase()}`,
    label: `Conveyor ${sync}`,
    durability,
    conveyor: true,
    open: async () => {
      const running = await ConveyorServer.start({ ...server, sync });
      return new ConveyorDriver(running, new JsonHttpClient(running.url));
    },
  };
}
