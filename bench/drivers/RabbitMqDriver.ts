import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { findPid } from '../system/processes.js';
import type { AckStyle, Consumer, Driver, OnMessages, Publisher, SystemSpec, Target, Topology } from '../types.js';

export const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
/** Unacked deliveries per consumer acking each message; matches Conveyor's largest pull. */
const PREFETCH = 100;
/** Batched acks: unacked deliveries per consumer, and one `ack(message, true)` per this many deliveries. */
const BATCHED_PREFETCH = 200;
const BATCHED_ACK_EVERY = 50;
/** Batched acks: a quiet consumer acks what it holds after this long, so nothing waits for the next 50. */
const BATCHED_IDLE_ACK_MS = 20;

/** Acks deliveries on `channel` as `acks` says; `flush` acks whatever is still held (batched only). */
function acker(channel: Channel, acks: AckStyle): { onDelivery(message: ConsumeMessage): void; flush(): void } {
  if (acks === 'each') return { onDelivery: (message) => channel.ack(message), flush: () => undefined };
  let last: ConsumeMessage | undefined;
  let held = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (last !== undefined) channel.ack(last, true);
    last = undefined;
    held = 0;
  };
  return {
    onDelivery: (message) => {
      last = message;
      if (++held >= BATCHED_ACK_EVERY) flush();
      else timer ??= setTimeout(flush, BATCHED_IDLE_ACK_MS);
    },
    flush,
  };
}

export type QueueType = 'classic' | 'quorum';

function queueName(topic: string, index: number): string {
  return `${topic}.s${index}`;
}

class RabbitMqTarget implements Target {
  constructor(
    private readonly admin: ChannelModel,
    private readonly exchange: string,
    private readonly queues: readonly string[],
  ) {}

  /** Its own connection and confirm channel; a batch resolves when the broker has confirmed all of it. */
  async publisher(): Promise<Publisher> {
    const connection = await connect(RABBITMQ_URL);
    const channel = await connection.createConfirmChannel();
    return {
      publish: async (payloads) => {
        for (const payload of payloads) channel.publish(this.exchange, '', Buffer.from(payload), { persistent: true });
        await channel.waitForConfirms();
      },
      close: () => connection.close(),
    };
  }

  /** `each`: prefetch 100, one ack per delivery. `batched`: prefetch 200, `ack(message, true)` every 50 deliveries, when idle 20 ms, and on stop. */
  async consume(index: number, onMessages: OnMessages, acks: AckStyle = 'each'): Promise<Consumer> {
    const connection = await connect(RABBITMQ_URL);
    const channel = await connection.createChannel();
    let failure: unknown;
    channel.on('error', (error: unknown) => {
      failure = error;
    });
    await channel.prefetch(acks === 'each' ? PREFETCH : BATCHED_PREFETCH);
    const acking = acker(channel, acks);
    const { consumerTag } = await channel.consume(
      this.queues[index]!,
      (message) => {
        if (message === null) return;
        onMessages([message.content]);
        acking.onDelivery(message);
      },
      { noAck: false },
    );
    return {
      stop: async () => {
        await channel.cancel(consumerTag);
        acking.flush();
        await connection.close();
      },
      failure: () => failure,
    };
  }

  async delete(): Promise<void> {
    const channel = await this.admin.createChannel();
    for (const queue of this.queues) await channel.deleteQueue(queue);
    await channel.deleteExchange(this.exchange);
    await channel.close();
  }
}

class RabbitMqDriver implements Driver {
  constructor(
    private readonly admin: ChannelModel,
    private readonly queueType: QueueType,
  ) {}

  brokerPid(): number | undefined {
    return findPid('beam.smp');
  }

  /** A durable fanout exchange named after the topic, with one durable queue of the chosen type per subscription. */
  async create(topology: Topology): Promise<Target> {
    const channel = await this.admin.createChannel();
    await channel.assertExchange(topology.name, 'fanout', { durable: true });
    const queues: string[] = [];
    for (let index = 0; index < topology.subscriptions; index++) {
      const queue = queueName(topology.name, index);
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': this.queueType } });
      await channel.bindQueue(queue, topology.name, '');
      queues.push(queue);
    }
    await channel.close();
    return new RabbitMqTarget(this.admin, topology.name, queues);
  }

  async close(): Promise<void> {
    await this.admin.close();
  }
}

/** RabbitMQ with a durable classic or quorum queue, persistent messages, publisher confirms and manual acks. */
export function rabbitMqSystem(queueType: QueueType): SystemSpec {
  const durability =
    queueType === 'classic'
      ? 'durable classic queue, persistent messages (delivery_mode 2), publisher confirms (confirm after the message is written to the queue store; RabbitMQ fsyncs in batches before confirming persistent messages)'
      : 'durable quorum queue (Raft log, single node here), persistent messages, publisher confirms (confirmed after the Raft log is fsynced)';
  return {
    id: `rabbitmq-${queueType}`,
    label: `RabbitMQ ${queueType}`,
    durability,
    conveyor: false,
    open: async () => new RabbitMqDriver(await connect(RABBITMQ_URL), queueType),
  };
}
