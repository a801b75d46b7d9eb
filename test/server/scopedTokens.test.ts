import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, requireStatus, type ApiResponse } from '../contract/harness/ApiClient.js';
import { Conveyor } from '../contract/harness/Conveyor.js';
import { expectApiError } from '../contract/harness/expectations.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { runUntilExit, startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';

const TOKENS = {
  checkout: 'checkout-token-0000000001',
  ops: 'operations-token-000000002',
  reader: 'reader-token-0000000000003',
  billing: 'billing-admin-token-000004',
  plain: 'plain-admin-token-00000005',
} as const;

const TOKEN_FILE = {
  tokens: [
    { name: 'checkout', token: TOKENS.checkout, grants: ['publish:orders', 'consume:orders-*'] },
    { name: 'ops', token: TOKENS.ops, grants: ['admin'] },
    { name: 'reader', token: TOKENS.reader, grants: ['consume:*', 'metrics'] },
    { name: 'billing-admin', token: TOKENS.billing, grants: ['manage:billing'] },
  ],
};

type Who = keyof typeof TOKENS;
type Request = (api: Conveyor) => Promise<ApiResponse<unknown>>;

/**
 * One request of every kind, with the callers that may make it. Everyone else
 * gets 403 Forbidden naming the grant, and nothing changes.
 */
const MATRIX: ReadonlyArray<{ case: string; grant: string; allowed: readonly Who[]; send: Request }> = [
  { case: 'publish to orders', grant: 'publish:orders', allowed: ['checkout', 'ops', 'plain'], send: (a) => a.publish('orders', [{ body: 'x' }]) },
  { case: 'publish to orders-eu', grant: 'publish:orders-eu', allowed: ['ops', 'plain'], send: (a) => a.publish('orders-eu', [{ body: 'x' }]) },
  { case: 'read the log of orders', grant: 'consume:orders', allowed: ['reader', 'ops', 'plain'], send: (a) => a.read('orders', 0) },
  { case: 'read the log of orders-eu', grant: 'consume:orders-eu', allowed: ['checkout', 'reader', 'ops', 'plain'], send: (a) => a.read('orders-eu', 0) },
  { case: 'pull from orders-eu', grant: 'consume:orders-eu', allowed: ['checkout', 'reader', 'ops', 'plain'], send: (a) => a.pull('orders-eu', 'shipping') },
  { case: 'ack on orders-eu', grant: 'consume:orders-eu', allowed: ['checkout', 'reader', 'ops', 'plain'], send: (a) => a.ack('orders-eu', 'shipping', ['no-such-ack-id']) },
  { case: 'commit a group on orders-eu', grant: 'consume:orders-eu', allowed: ['checkout', 'reader', 'ops', 'plain'], send: (a) => a.commitOffsets('orders-eu', 'audit', [{ partition: 0, offset: 0 }]) },
  { case: 'list dead letters of orders-eu', grant: 'consume:orders-eu', allowed: ['checkout', 'reader', 'ops', 'plain'], send: (a) => a.deadLetters('orders-eu', 'shipping') },
  { case: 'redrive dead letters of orders-eu', grant: 'manage:orders-eu', allowed: ['ops', 'plain'], send: (a) => a.redrive('orders-eu', 'shipping') },
  { case: 'seek on orders-eu', grant: 'manage:orders-eu', allowed: ['ops', 'plain'], send: (a) => a.seek('orders-eu', 'shipping', '2026-01-01T00:00:00Z') },
  { case: 'list delayed messages of orders-eu', grant: 'consume:orders-eu" or "manage:orders-eu', allowed: ['checkout', 'reader', 'ops', 'plain'], send: (a) => a.listDelayed('orders-eu') },
  { case: 'list delayed messages of billing', grant: 'consume:billing" or "manage:billing', allowed: ['reader', 'billing', 'ops', 'plain'], send: (a) => a.listDelayed('billing') },
  { case: 'cancel a delayed message of orders', grant: 'publish:orders" or "manage:orders', allowed: ['checkout', 'ops', 'plain'], send: (a) => a.cancelDelayed('orders', 'reminder') },
  { case: 'cancel a delayed message of billing', grant: 'publish:billing" or "manage:billing', allowed: ['billing', 'ops', 'plain'], send: (a) => a.cancelDelayed('billing', 'reminder') },
  { case: 'change a subscription of orders-eu', grant: 'manage:orders-eu', allowed: ['ops', 'plain'], send: (a) => a.updateSubscription('orders-eu', 'shipping', { maxDeliveries: 5 }) },
  { case: 'create a subscription on billing', grant: 'manage:billing', allowed: ['billing', 'ops', 'plain'], send: (a) => a.createSubscription('billing', 'invoices') },
  { case: 'create a subscription on orders', grant: 'manage:orders', allowed: ['ops', 'plain'], send: (a) => a.createSubscription('orders', 'fraud') },
  { case: 'delete the topic orders', grant: 'manage:orders', allowed: ['ops', 'plain'], send: (a) => a.deleteTopic('orders') },
  { case: 'create a topic', grant: 'manage:newcomer', allowed: ['ops', 'plain'], send: (a) => a.createTopic('newcomer', { partitions: 1 }) },
  { case: 'describe orders', grant: 'publish:orders", "consume:orders" or "manage:orders', allowed: ['checkout', 'reader', 'ops', 'plain'], send: (a) => a.getTopic('orders') },
  { case: 'describe billing', grant: 'publish:billing", "consume:billing" or "manage:billing', allowed: ['reader', 'billing', 'ops', 'plain'], send: (a) => a.getTopic('billing') },
  { case: 'schedule onto orders', grant: 'manage:orders', allowed: ['ops', 'plain'], send: (a) => a.putSchedule('orders-tick', { topic: 'orders', cron: '0 0 1 1 *', message: { body: 1 } }) },
  { case: 'delete the billing schedule', grant: 'manage:billing', allowed: ['billing', 'ops', 'plain'], send: (a) => a.deleteSchedule('billing-tick') },
  { case: 'read metrics', grant: 'metrics', allowed: ['reader', 'ops', 'plain'], send: (a) => a.http.get('/metrics') },
];

const CALLERS = Object.keys(TOKENS) as Who[];
const CASES = MATRIX.flatMap((row) => CALLERS.map((who) => ({ ...row, who, verdict: row.allowed.includes(who) ? 'serves' : 'refuses' })));

describe('Scoped tokens from AUTH_TOKENS_FILE (child process)', () => {
  let server: ServerProcess | undefined;
  let dataDir = '';
  const as = (who: Who): Conveyor => {
    if (server === undefined) throw new Error('the server did not start');
    return new Conveyor(new ApiClient(server.url, TOKENS[who]));
  };
  const seed = async (): Promise<void> => {
    const ops = as('ops');
    // No dedup window: the reminders below can be published again after a cancel.
    for (const topic of ['orders', 'orders-eu', 'billing']) requireStatus(`create ${topic}`, await ops.createTopic(topic, { partitions: 1, dedupWindowSeconds: 0 }), 201, 200);
    requireStatus('create shipping', await ops.createSubscription('orders-eu', 'shipping'), 201, 200);
    requireStatus('billing schedule', await ops.putSchedule('billing-tick', { topic: 'billing', cron: '0 0 1 1 *', message: { body: 1 } }), 201, 200);
    // A reminder waiting on orders and on billing, for the cancels.
    for (const topic of ['orders', 'billing']) requireStatus(`reminder on ${topic}`, await ops.publish(topic, [{ id: 'reminder', body: 'later', delaySeconds: 3600 }]));
  };

  beforeAll(async () => {
    dataDir = makeDataDir('grants');
    const file = join(dataDir, 'tokens.json');
    writeFileSync(file, JSON.stringify(TOKEN_FILE));
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir, AUTH_TOKENS_FILE: file, AUTH_TOKENS: TOKENS.plain });
    await seed();
  });

  afterAll(async () => {
    await stopServer(server);
    removeDataDir(dataDir);
  });

  it.each(CASES.filter((row) => row.verdict === 'refuses'))('refuses "$case" to $who with 403 naming $grant, and changes nothing', async ({ who, grant, send }) => {
    // Prepare
    const before = JSON.stringify(await Promise.all(['orders', 'orders-eu', 'billing'].map(async (topic) => (await as('ops').getTopic(topic)).body)));

    // Act
    const answer = await send(as(who));

    // Assess
    expectApiError(answer, 403, 'Forbidden', [grant]);
    expect(JSON.stringify(await Promise.all(['orders', 'orders-eu', 'billing'].map(async (topic) => (await as('ops').getTopic(topic)).body)))).toBe(before);
  });

  it.each(CASES.filter((row) => row.verdict === 'serves'))('serves "$case" to $who', async ({ who, send }) => {
    const answer = await send(as(who));

    expect(answer.status).toBeLessThan(400);
    // Put back what a create did, so every caller meets the same state.
    await seed();
  });

  it.each([
    { who: 'checkout' as const, sees: ['orders', 'orders-eu'] },
    { who: 'billing' as const, sees: ['billing'] },
    { who: 'reader' as const, sees: ['billing', 'newcomer', 'orders', 'orders-eu'] },
  ])('lists to $who only the topics it has some grant on', async ({ who, sees }) => {
    const { topics } = requireStatus('list topics', await as(who).listTopics());

    expect(topics.map((topic) => topic.name).sort()).toEqual(sees);
  });

  it('lists to billing-admin only the schedules of its topics', async () => {
    const { schedules } = requireStatus('list schedules', await as('billing').listSchedules());

    expect(schedules.map((schedule) => schedule.name)).toEqual(['billing-tick']);
  });

  it('refuses to move a schedule from a topic the caller manages to one it does not', async () => {
    expectApiError(await as('billing').putSchedule('billing-tick', { topic: 'orders', cron: '0 0 1 1 *', message: { body: 1 } }), 403, 'Forbidden', ['manage:orders']);
  });

  it('serves /healthz without a token', async () => {
    expect((await new ApiClient(server!.url).get('/healthz')).status).toBe(200);
  });
});

describe('AUTH_TOKENS_FILE that the server refuses at start (child process)', () => {
  const dataDirs: string[] = [];
  afterAll(() => dataDirs.forEach(removeDataDir));

  const startWith = async (file: unknown): Promise<{ code: number | string; output: string }> => {
    const dataDir = makeDataDir('token-file');
    dataDirs.push(dataDir);
    const path = join(dataDir, 'tokens.json');
    writeFileSync(path, typeof file === 'string' ? file : JSON.stringify(file));
    return runUntilExit({ PORT: '0', DATA_DIR: dataDir, AUTH_TOKENS_FILE: path });
  };
  const entry = (name: string, token: string, grants: unknown = ['admin']): Record<string, unknown> => ({ name, token, grants });

  it.each([
    { case: 'a token of 15 characters', file: { tokens: [entry('short', 'fifteen-chars-x')] }, mentions: ['tokens[0] (name "short")', '16'] },
    { case: 'a duplicate name', file: { tokens: [entry('twin', 'aaaaaaaaaaaaaaaa1'), entry('twin', 'aaaaaaaaaaaaaaaa2')] }, mentions: ['tokens[1] (name "twin")', 'tokens[0]'] },
    { case: 'a duplicate token', file: { tokens: [entry('one', 'same-token-0000000'), entry('two', 'same-token-0000000')] }, mentions: ['tokens[1] (name "two")', 'tokens[0]'] },
    { case: 'an unknown grant', file: { tokens: [entry('bad', 'bad-grant-token-000', ['delete:orders'])] }, mentions: ['tokens[0] (name "bad")', 'delete:orders'] },
    { case: 'a grant with a bad pattern', file: { tokens: [entry('bad', 'bad-grant-token-000', ['publish:or*ders'])] }, mentions: ['publish:or*ders'] },
    { case: 'an unknown field', file: { tokens: [{ ...entry('typo', 'typo-token-00000000'), grant: ['admin'] }] }, mentions: ['tokens[0] (name "typo")', 'grant'] },
    { case: 'a rate limit of 0', file: { tokens: [{ ...entry('zero', 'zero-token-00000000'), rateLimit: { requestsPerSecond: 0 } }] }, mentions: ['tokens[0] (name "zero")', 'requestsPerSecond'] },
    { case: 'text that is not JSON', file: '{"tokens": [', mentions: ['not valid JSON'] },
    { case: 'no tokens', file: { tokens: [] }, mentions: ['at least one'] },
  ])('stops with exit code 2 on $case, naming the entry and never printing a token', async ({ file, mentions }) => {
    // Act
    const { code, output } = await startWith(file);

    // Assess
    expect(code).toBe(2);
    for (const text of mentions) expect(output).toContain(text);
    expect(output).not.toMatch(/aaaaaaaaaaaaaaaa|same-token|fifteen-chars-x/);
    expect(output).not.toContain('listening on');
  });
});
