import { conveyorSystem } from './drivers/ConveyorDriver.js';
import type { ConveyorServerOptions } from './drivers/ConveyorServer.js';
import { natsJetStreamSystem } from './drivers/NatsJetStreamDriver.js';
import { rabbitMqSystem } from './drivers/RabbitMqDriver.js';
import { redisStreamsSystem } from './drivers/RedisStreamsDriver.js';
import type { SystemSpec } from './types.js';

const RABBITMQ = { host: '127.0.0.1', port: 5672 } as const;
const REDIS = { host: '127.0.0.1', port: 6379 } as const;
const NATS = { host: '127.0.0.1', port: 4222 } as const;

/** Every system the harness runs, in run order: the Conveyor variants first, then the peers. */
export function allSystems(conveyor: Omit<ConveyorServerOptions, 'sync'> = {}): SystemSpec[] {
  return [
    conveyorSystem('FULL', conveyor),
    conveyorSystem('GROUP', conveyor),
    { ...rabbitMqSystem('classic'), endpoint: RABBITMQ },
    { ...rabbitMqSystem('quorum'), endpoint: RABBITMQ },
    { ...redisStreamsSystem(), endpoint: REDIS },
    { ...natsJetStreamSystem(), endpoint: NATS },
  ];
}
