import { connect, type ChannelModel } from 'amqplib';
import { findPid } from '../system/processes.js';
import type { Consumer, Driver, OnMessages, Publisher, SystemSpec, Target, Topology } from '../types.js';

export const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
/** Unacked deliveries per consumer; matches Conveyor's largest pull. */
const PREFETCH = 100;

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

  async consume(index: number, onMessages: OnMessages): Promise<Consumer> {
    const connection = await connect(RABBITMQ_URL);
    const channel = await connection.createChannel();
    let failure: unknown;
    channel.on('error', (error: unknown) => {
      failure = error;
    });
    await channel.prefetch(PREFETCH);
    const { consumerTag } = await channel.consume(
      this.queues[index]!,
      (message) => {
        if (message === null) return;
        onMessages([message.content]);
        channel.ack(message);
      },
      { noAck: false },
    );
    return {
      stop: async () => {
        await channel.cancel(consumerTag);
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
