/**
 * `conveyor/server`: Conveyor's embedded broker, started from code, for tests
 * and tools. Only re-exports. Needs better-sqlite3 (an optional dependency).
 *
 * @example
 * import { startConveyor } from 'conveyor/server';
 *
 * const broker = await startConveyor();
 * await fetch(`${broker.url}/v1/topics/orders`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"partitions":4}' });
 * await broker.stop();
 */
export { startConveyor } from './startConveyor.js';
export type { ConveyorLogLevel, StartConveyorOptions, StartedConveyor, SynchronousMode } from './startConveyor.js';
