import { ResponseLimits } from '../../domain/constants.js';
import type { Backend } from '../../ports/Backend.js';
import type { Clock } from '../../ports/Clock.js';
import { noTelemetry, type Telemetry } from '../../ports/Telemetry.js';
import { DelayedRows } from './DelayedRows.js';
import { LeaseTable } from './LeaseTable.js';
import { LeaseTaker } from './LeaseTaker.js';
import { LongPollWaiters } from './LongPollWaiters.js';
import { QueueRows } from './QueueRows.js';
import { RecentMessages } from './RecentMessages.js';
import { SqliteDeadLetterQueues } from './SqliteDeadLetterQueues.js';
import { SqliteDedupIndex } from './SqliteDedupIndex.js';
import { SqliteDelayedMessages } from './SqliteDelayedMessages.js';
import { SqliteFanOut } from './SqliteFanOut.js';
import { SqliteGroupOffsets } from './SqliteGroupOffsets.js';
import { SqliteMessageLog } from './SqliteMessageLog.js';
import { SqliteMetadataStore } from './SqliteMetadataStore.js';
import { SqliteStore, type SqliteStoreOptions } from './SqliteStore.js';
import { SqliteSubscriptionQueues } from './SqliteSubscriptionQueues.js';

export interface SqliteBackendOptions extends SqliteStoreOptions {
  readonly clock: Clock;
  readonly telemetry?: Telemetry;
  /** Most bytes of messages one log read, pull or dead-letter listing returns (ResponseBudget). @default ResponseLimits.bytes.default */
  readonly responseBytes?: number;
}

/**
 * The embedded backend: every port on one SQLite database.
 *
 * @example
 * const backend = createSqliteBackend({ dataDir: './.conveyor', clock: systemClock });
 */
export function createSqliteBackend(options: SqliteBackendOptions): Backend {
  const { clock } = options;
  const responseBytes = options.responseBytes ?? ResponseLimits.bytes.default;
  const telemetry = options.telemetry ?? noTelemetry;
  const store = SqliteStore.open(options);
  const waiters = new LongPollWaiters();
  const rows = new QueueRows(store, new LeaseTable());
  const dedup = new SqliteDedupIndex(store);
  const recent = new RecentMessages(() => clock.now());
  const log = new SqliteMessageLog(store, dedup, new SqliteFanOut(store, rows, waiters, clock), new DelayedRows(store), rows, clock, recent, responseBytes);
  return {
    name: 'sqlite',
    metadata: new SqliteMetadataStore(store, rows, recent),
    log,
    delayed: new SqliteDelayedMessages(store, dedup, log, responseBytes),
    queues: new SqliteSubscriptionQueues(store, rows, waiters, clock, telemetry, new LeaseTaker(store, rows, waiters, recent, responseBytes)),
    deadLetters: new SqliteDeadLetterQueues(store, rows, waiters, clock, responseBytes),
    groups: new SqliteGroupOffsets(store),
    close: async () => {
      waiters.releaseAll();
      await store.close();
    },
  };
}
