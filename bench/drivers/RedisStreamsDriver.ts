import { Redis } from 'ioredis';
import { findPid } from '../system/processes.js';
import type { Consumer, Driver, OnMessages, Publisher, SystemSpec, Target, Topology } from '../types.js';
import { pollingConsumer } from './pollingConsumer.js';

const REDIS = { host: '127.0.0.1', port: 6379 } as const;
/** Entries per XREADGROUP, as Conveyor's largest pull. */
const READ_COUNT = 100;
const BLOCK_MS = 1000;

type StreamReply = [stream: string, entries: [id: string, fields: string[]][]][] | null;

/** RESP2, so XREADGROUP answers `[[stream, entries]]` (ioredis 6 defaults to RESP3, where the reply is a map). */
function connectRedis(): Redis {
  return new Redis({ ...REDIS, protocol: 2, maxRetriesPerRequest: 1 });
}

class RedisStreamsTarget implements Target {
  private consumers = 0;

  constructor(
    private readonly admin: Redis,
    private readonly stream: string,
    private readonly groups: readonly string[],
  ) {}

  /** A pipeline of one XADD per payload; resolves when Redis has answered all of them. */
  async publisher(): Promise<Publisher> {
    const redis = connectRedis();
    return {
      publish: async (payloads) => {
        const pipeline = redis.pipeline();
        for (const payload of payloads) pipeline.xadd(this.stream, '*', 'd', payload);
        const results = await pipeline.exec();
        const failed = results?.find(([error]) => error !== null);
        if (failed !== undefined) throw failed[0];
      },
      close: async () => {
        await redis.quit();
      },
    };
  }

  /** Its own connection (XREADGROUP BLOCK holds it, and stopping closes it); XACK for every entry read. */
  async consume(index: number, onMessages: OnMessages): Promise<Consumer> {
    const redis = connectRedis();
    const group = this.groups[index]!;
    const name = `c${this.consumers++}`;
    const consumer = pollingConsumer(
      async () => {
        const reply = (await redis.call('XREADGROUP', 'GROUP', group, name, 'COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.stream, '>')) as StreamReply;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) return;
        onMessages(entries.map(([, fields]) => fields[1] ?? ''));
        await redis.xack(this.stream, group, ...entries.map(([id]) => id));
      },
      // Stopping closes the connection, which ends a blocked XREADGROUP at once.
      () => redis.disconnect(),
    );
    return {
      stop: () => consumer.stop(),
      failure: () => consumer.failure(),
    };
  }

  async delete(): Promise<void> {
    await this.admin.del(this.stream);
  }
}

class RedisStreamsDriver implements Driver {
  constructor(private readonly admin: Redis) {}

  brokerPid(): number | undefined {
    return findPid('redis-server');
  }

  /** One stream per topic and one consumer group per subscription. */
  async create(topology: Topology): Promise<Target> {
    const groups = Array.from({ length: topology.subscriptions }, (_, index) => `s${index}`);
    for (const group of groups) await this.admin.xgroup('CREATE', topology.name, group, '0', 'MKSTREAM');
    return new RedisStreamsTarget(this.admin, topology.name, groups);
  }

  async close(): Promise<void> {
    await this.admin.quit();
  }
}

/** Redis Streams: XADD, XREADGROUP, XACK. */
export function redisStreamsSystem(): SystemSpec {
  return {
    id: 'redis-streams',
    label: 'Redis Streams',
    durability: 'in memory only: this Redis runs with save "" and appendonly no, so an acknowledged XADD survives no restart',
    conveyor: false,
    open: async () => {
      const admin = connectRedis();
      await admin.ping();
      return new RedisStreamsDriver(admin);
    },
  };
}
