import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeadLetter, Json } from '../../src/domain/types.js';
import { requireStatus } from '../contract/harness/ApiClient.js';
import type { PublishInput } from '../contract/harness/Conveyor.js';
import { consumeCommandPath } from './paths/consumeCommandPath.js';
import type { ConsumerPath } from './paths/ConsumerPath.js';
import { mappingPath } from './paths/mappingPath.js';

/** One line of the billing handler's own ledger (fixtures/billingHandler.mjs). */
interface LedgerEntry {
  readonly outcome: 'charged' | 'refused';
  readonly id: string;
  readonly topic: string;
  readonly subscription: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly attributes: Record<string, string>;
  readonly body: Json;
  readonly publishedAt: string;
  readonly deliveryAttempt: number;
}

const MAX_DELIVERIES = 3;
const BLOCKED_CARD_ERROR = 'card 4000-0000 is blocked (order order-blocked)';

/** Twenty orders; every fourth is declined on its first delivery. */
const ORDERS: readonly PublishInput[] = Array.from({ length: 20 }, (_, index) => {
  const number = index + 1;
  return {
    id: `order-${String(number).padStart(2, '0')}`,
    key: `customer-${number % 5}`,
    attributes: { region: number % 2 === 0 ? 'eu' : 'us' },
    body: { total: number * 10, card: `4111-${number}`, declineFirst: number % 4 === 0 },
  };
});
const DECLINED_FIRST = ORDERS.filter((order) => (order.body as { declineFirst: boolean }).declineFirst).map((order) => order.id);

function readLedger(file: string): LedgerEntry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LedgerEntry);
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(200);
  }
}

describe.each([{ path: consumeCommandPath }, { path: mappingPath }])('One billing handler module, through $path.name', ({ path: factory }) => {
  let path: ConsumerPath;
  let ledgerDir: string;
  let published: Array<{ id: string; partition: number; offset: number }>;
  let chargedBeforeReplay: LedgerEntry[];
  let replayed: number;
  let deadLetters: DeadLetter[];
  let ledger: LedgerEntry[];
  let logged: Map<string, string>;

  beforeAll(async () => {
    // Prepare
    ledgerDir = mkdtempSync(join(tmpdir(), 'conveyor-ledger-'));
    const ledgerFile = join(ledgerDir, 'ledger.jsonl');
    writeFileSync(ledgerFile, '');
    path = await factory.start();
    const { api } = path;
    requireStatus('create the topic', await api.createTopic('orders', { partitions: 4 }), 201);
    requireStatus('create the subscription', await api.createSubscription('orders', 'billing', { ackDeadlineSeconds: 3, maxDeliveries: MAX_DELIVERIES, retryBackoff: { minSeconds: 1, maxSeconds: 1 } }), 201);
    await path.consume('orders', 'billing', ledgerFile);
    const stats = async (): Promise<{ backlog: number; inFlight: number }> => requireStatus('describe the subscription', await api.getSubscription('orders', 'billing')).stats;

    // Act: a blocked card fails every delivery and ends in the dead letters.
    requireStatus('publish the blocked order', await api.publish('orders', [{ id: 'order-blocked', key: 'customer-0', body: { card: '4000-0000', blocked: true } }]));
    await eventually('the blocked order is a dead letter', async () => requireStatus('list dead letters', await api.deadLetters('orders', 'billing')).messages.length === 1);
    const beforeOrders = new Date().toISOString();

    // Act: twenty orders, some declined once, are each charged.
    const { results } = requireStatus('publish the orders', await api.publish('orders', ORDERS));
    published = results.flatMap((result) => ('offset' in result ? [{ id: result.id, partition: result.partition, offset: result.offset }] : []));
    await eventually('every order is charged and acked', async () => {
      const charged = new Set(readLedger(ledgerFile).filter((entry) => entry.outcome === 'charged').map((entry) => entry.id));
      const { backlog, inFlight } = await stats();
      return charged.size === ORDERS.length && backlog === 0 && inFlight === 0;
    });
    chargedBeforeReplay = readLedger(ledgerFile).filter((entry) => entry.outcome === 'charged');

    // Act: a seek delivers all twenty again; the handler's idempotency skips them.
    replayed = requireStatus('seek', await api.seek('orders', 'billing', beforeOrders)).requeued;
    await eventually('the replayed orders are acked', async () => {
      const { backlog, inFlight } = await stats();
      return backlog === 0 && inFlight === 0;
    });
    await path.stopConsuming();
    logged = new Map();
    for (const partition of [0, 1, 2, 3]) {
      for (const message of requireStatus('read the log', await api.read('orders', partition, 'fromOffset=0&limit=100')).messages) logged.set(message.id, message.publishedAt);
    }
    deadLetters = requireStatus('list dead letters', await api.deadLetters('orders', 'billing')).messages;
    ledger = readLedger(ledgerFile);
  }, 180_000);

  afterAll(async () => {
    await path?.stop();
    rmSync(ledgerDir, { recursive: true, force: true });
  });

  it('charges each of the twenty orders exactly once', () => {
    // Assess
    const charged = ledger.filter((entry) => entry.outcome === 'charged').map((entry) => entry.id);
    expect(charged.sort()).toEqual(ORDERS.map((order) => order.id));
  });

  it('charges a declined order on its second delivery, after refusing its first, and every other order on its first', () => {
    // Assess
    const attempts = (id: string | undefined): Array<[string, number]> => ledger.filter((entry) => entry.id === id).map((entry) => [entry.outcome, entry.deliveryAttempt]);
    for (const order of ORDERS) {
      const expected = DECLINED_FIRST.includes(order.id ?? '') ? [['refused', 1], ['charged', 2]] : [['charged', 1]];
      expect({ id: order.id, attempts: attempts(order.id) }).toEqual({ id: order.id, attempts: expected });
    }
  });

  it('hands the handler every field of each order as it was published', () => {
    // Assess
    const charged = ledger.filter((entry) => entry.outcome === 'charged').sort((a, b) => a.id.localeCompare(b.id));
    expect(charged.map(({ outcome: _outcome, deliveryAttempt: _attempt, ...fields }) => fields)).toEqual(
      ORDERS.map((order) => {
        const position = published.find((result) => result.id === order.id);
        const fields = { topic: 'orders', subscription: 'billing', partition: position?.partition, offset: position?.offset, key: order.key, attributes: order.attributes, body: order.body };
        return { id: order.id, ...fields, publishedAt: logged.get(order.id ?? '') };
      }),
    );
  });

  it('does not charge again the orders a seek delivered anew', () => {
    // Assess
    expect(replayed).toBe(ORDERS.length);
    expect(ledger.filter((entry) => entry.outcome === 'charged')).toEqual(chargedBeforeReplay);
  });

  it('refuses the blocked card on each of its maxDeliveries deliveries, then sets it aside as a dead letter', () => {
    // Assess
    expect(ledger.filter((entry) => entry.id === 'order-blocked').map((entry) => [entry.outcome, entry.deliveryAttempt])).toEqual([
      ['refused', 1],
      ['refused', 2],
      ['refused', 3],
    ]);
    expect(deadLetters).toEqual([expect.objectContaining({ id: 'order-blocked', body: { card: '4000-0000', blocked: true }, ...path.deadLetterOf(MAX_DELIVERIES, BLOCKED_CARD_ERROR) })]);
  });
});
