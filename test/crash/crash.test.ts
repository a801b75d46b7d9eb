import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '../../src/domain/types.js';
import { ApiClient } from '../contract/harness/ApiClient.js';
import { Conveyor } from '../contract/harness/Conveyor.js';
import { readPartition } from '../contract/harness/logFixtures.js';
import { consumeOnce, CrashLedger, runLoad, type PublishedRecord } from '../helpers/crashLoad.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { killHard, startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';

const TOPIC = 'crash-log';
const SUBSCRIPTION = 'crash-consumer';
const PARTITIONS = 4;
/** Kill/restart cycles, each after this long under load. */
const CRASHES = 2;
const LOAD_MS = 1500;
const MESSAGES_PER_LIFETIME = 2500;
/** Longest wait after the last restart for every confirmed message to be delivered. */
const DRAIN_MS = 20_000;

interface LogProblems {
  readonly lost: string[];
  readonly gaps: string[];
  readonly duplicateIds: string[];
}

/** Compares the log after a restart with every publish the server confirmed: (a) readable where reported, (b) dense offsets. */
function logProblems(published: ReadonlyMap<string, PublishedRecord>, log: ReadonlyArray<{ messages: Message[]; nextOffset: number }>): LogProblems {
  const at = new Map<string, Message>();
  const seen = new Map<string, number>();
  const gaps: string[] = [];
  log.forEach(({ messages, nextOffset }, partition) => {
    messages.forEach((message, index) => {
      at.set(`${partition}/${message.offset}`, message);
      seen.set(message.id, (seen.get(message.id) ?? 0) + 1);
      if (message.offset !== index) gaps.push(`partition ${partition}: offset ${message.offset} at position ${index}`);
    });
    if (nextOffset !== messages.length) gaps.push(`partition ${partition}: nextOffset ${nextOffset} after ${messages.length} messages`);
  });
  const lost = [...published.values()]
    .filter((record) => {
      const stored = at.get(`${record.partition}/${record.offset}`);
      return stored === undefined || stored.id !== record.id || stored.key !== record.key || JSON.stringify(stored.body) !== JSON.stringify(record.body);
    })
    .map((record) => `${record.id} at ${record.partition}/${record.offset}`);
  const duplicateIds = [...seen].filter(([, count]) => count > 1).map(([id]) => id);
  return { lost, gaps, duplicateIds };
}

describe('Crash: SIGKILL under load, restart on the same DATA_DIR', () => {
  let dataDir = '';
  let server: ServerProcess | undefined;

  beforeAll(() => {
    dataDir = makeDataDir('crash');
  });

  /** Every retained message of every partition, with each partition's next offset. */
  const readWholeLog = async (api: Conveyor): Promise<Array<{ messages: Message[]; nextOffset: number }>> => {
    const partitions = [];
    for (let partition = 0; partition < PARTITIONS; partition += 1) partitions.push(await readPartition(api, TOPIC, partition));
    return partitions;
  };

  const start = async (): Promise<Conveyor> => {
    server = await startServerProcess({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    return new Conveyor(new ApiClient(server.url));
  };

  afterAll(async () => {
    await stopServer(server);
    removeDataDir(dataDir);
  });

  it('keeps every confirmed publish at its offset, leaves no gaps, delivers everything and never redelivers a confirmed ack', async () => {
    // Prepare
    const ledger = new CrashLedger();
    let api = await start();
    expect((await api.createTopic(TOPIC, { partitions: PARTITIONS })).status).toBe(201);
    const subscribed = await api.createSubscription(TOPIC, SUBSCRIPTION, { ackDeadlineSeconds: 1, maxDeliveries: 100, retryBackoff: { minSeconds: 0, maxSeconds: 1 } });
    expect(subscribed.status).toBe(201);
    const afterRestart: LogProblems[] = [];
    const publishedBefore: number[] = [];

    // Act: load, kill, restart, check the log; twice
    for (let lifetime = 0; lifetime < CRASHES; lifetime += 1) {
      let stopped = false;
      const load = runLoad(
        { api, topic: TOPIC, subscription: SUBSCRIPTION, lifetime, publishers: 4, consumers: 3, messageBudget: MESSAGES_PER_LIFETIME, pauseMs: 20, ackShare: 0.85, stopped: () => stopped },
        ledger,
      );
      await sleep(LOAD_MS);
      stopped = true;
      await killHard(server!);
      await load;
      publishedBefore.push(ledger.published.size);
      api = await start();
      afterRestart.push(logProblems(ledger.published, await readWholeLog(api)));
    }

    // Act: after the last restart, consume (acking everything) until every confirmed message was delivered
    const lifetime = CRASHES;
    const deadline = Date.now() + DRAIN_MS;
    const undelivered = (): string[] => {
      const delivered = ledger.deliveredIds();
      return [...ledger.published.keys()].filter((id) => !delivered.has(id));
    };
    while (undelivered().length > 0 && Date.now() < deadline) {
      await consumeOnce({ api, topic: TOPIC, subscription: SUBSCRIPTION, lifetime, ackShare: 1, stopped: () => false }, ledger, 1);
    }

    // Assess
    expect(publishedBefore[0]).toBeGreaterThan(0);
    expect(publishedBefore[1]).toBeGreaterThan(publishedBefore[0]!);
    expect(ledger.confirmedAcks.size).toBeGreaterThan(0);
    expect(ledger.anomalies).toEqual([]);
    expect(afterRestart).toEqual(Array.from({ length: CRASHES }, () => ({ lost: [], gaps: [], duplicateIds: [] })));
    expect(undelivered()).toEqual([]);
    expect(ledger.deliveriesAfterConfirmedAck()).toEqual([]);
  }, 60_000);
});
