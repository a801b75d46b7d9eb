import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startConveyor, type StartedConveyor } from '../../src/server/index.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { chartData, openBrowser, pixelsOfColor, until, type ConsoleBrowser } from './browser.js';

/** The walk through the page takes a minute on a loaded machine; the charts sample every 2 s. */
const SCENARIO_MS = 180_000;

interface Stats {
  backlog: number;
  deadLetters: number;
}

/** Calls the API as a test client would, beside the page. */
async function call<T>(broker: StartedConveyor, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(`${broker.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

const statsOf = async (broker: StartedConveyor, subscription: string): Promise<Stats> =>
  (await call<{ stats: Stats }>(broker, 'GET', `/v1/topics/orders/subscriptions/${subscription}`)).stats;

/** The text of a subscription's cell in the page's subscriptions table, by column header. */
async function subscriptionCell(page: Page, subscription: string, column: string): Promise<string> {
  const table = page.getByRole('table', { name: 'Subscriptions of orders' });
  const headers = await table.locator('thead th').allInnerTexts();
  const index = headers.findIndex((header) => header.toLowerCase() === column.toLowerCase());
  return (await table.locator(`tr[data-key="${subscription}"] td`).nth(index).innerText()).trim();
}

describe('Web console at /console (headless chromium)', () => {
  describe('on a server without tokens', () => {
    let broker: StartedConveyor;
    let browser: ConsoleBrowser;

    beforeAll(async () => {
      broker = await startConveyor({ synchronous: 'NORMAL', logLevel: 'silent' });
      browser = await openBrowser();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await broker?.stop();
    });

    it('creates a topic and a subscription, publishes, charts backlog and rates live, redrives a dead letter and opens a message', async () => {
      const { page } = browser;

      // Prepare: the console, on an empty broker.
      await page.goto(`${broker.url}/console`);
      await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor();
      await page.getByText('No topics yet').waitFor();

      // Act: a topic and a subscription, through the forms.
      await page.getByLabel('Name').fill('orders');
      await page.getByLabel('Partitions').fill('3');
      await page.getByRole('button', { name: 'Create topic' }).click();
      await page.getByRole('heading', { name: 'orders', level: 1 }).waitFor();
      const subscriptionForm = page.getByRole('form', { name: 'Create a subscription' });
      await subscriptionForm.getByLabel('Name').fill('billing');
      await subscriptionForm.getByLabel('Max deliveries').fill('3');
      await subscriptionForm.getByRole('button', { name: 'Create subscription' }).click();
      await page.locator('tr[data-key="billing"]').waitFor();

      // Assess: both exist with the settings entered.
      const topic = await call<{ partitions: number }>(broker, 'GET', '/v1/topics/orders');
      const billing = await call<{ maxDeliveries: number }>(broker, 'GET', '/v1/topics/orders/subscriptions/billing');
      expect(topic.partitions).toBe(3);
      expect(billing.maxDeliveries).toBe(3);

      // Act: one message through the publish form.
      const publish = page.getByRole('form', { name: 'Publish a message' });
      await publish.getByLabel('Key').fill('customer-7');
      await publish.getByLabel('Attributes').fill('region=eu\ntier=gold');
      await publish.getByLabel('Body (JSON)').fill('{"orderId": 1001, "items": [{"sku": "tea", "qty": 2}], "gift": true}');
      await publish.getByRole('button', { name: 'Publish' }).click();
      const outcome = await publish.getByText(/^Published /).innerText();

      // Assess: the page names where it landed, and the log holds it there.
      const [, partition, offset] = /partition (\d+) at offset (\d+)/.exec(outcome) ?? [];
      const read = await call<{ messages: Array<{ key: string; body: unknown; attributes: Record<string, string> }> }>(
        broker,
        'GET',
        `/v1/topics/orders/partitions/${partition}/messages?fromOffset=${offset}&limit=1`,
      );
      expect(read.messages[0]).toMatchObject({ key: 'customer-7', attributes: { region: 'eu', tier: 'gold' }, body: { orderId: 1001, gift: true } });

      // Prepare: the charts' state before the load.
      const before = await until(() => chartData(page, 'backlog'), (chart) => chart.points >= 2, { what: 'two backlog samples' });

      // Act: publish through the API in a loop while the page watches, and ack some from another subscription.
      await call(broker, 'PUT', '/v1/topics/orders/subscriptions/audit', {});
      let publishing = true;
      const load = (async () => {
        for (let round = 0; publishing && round < 100; round += 1) {
          await call(broker, 'POST', '/v1/topics/orders/messages', { messages: Array.from({ length: 10 }, (_, n) => ({ key: `customer-${n}`, body: { round, n } })) });
          const pulled = await call<{ messages: Array<{ ackId: string }> }>(broker, 'POST', '/v1/topics/orders/subscriptions/audit/pull', { max: 6 });
          if (pulled.messages.length > 0) await call(broker, 'POST', '/v1/topics/orders/subscriptions/audit/ack', { ackIds: pulled.messages.map((m) => m.ackId) });
          await new Promise((resolve) => setTimeout(resolve, 400));
        }
      })();
      const rates = await until(
        () => chartData(page, 'rates'),
        (chart) => (chart.last['published'] ?? 0) > 0 && (chart.last['acked audit'] ?? 0) > 0,
        { what: 'a publish rate and an ack rate above 0' },
      );
      // Enough samples under load to draw lines, not dots.
      await until(() => chartData(page, 'backlog'), (chart) => chart.points >= before.points + 6, { what: 'six more backlog samples' });
      publishing = false;
      await load;
      const expected = await statsOf(broker, 'billing');
      const after = await until(() => chartData(page, 'backlog'), (chart) => chart.last['billing'] === expected.backlog, { what: `billing's backlog of ${expected.backlog} in the chart` });

      // Assess: the backlog chart has new samples and climbed to the subscription's real backlog, and both lines were drawn.
      expect(after.points).toBeGreaterThan(before.points);
      expect([...after.series].sort()).toEqual(['audit', 'billing']);
      expect(before.last['billing']).toBe(1);
      expect(after.last['billing']).toBeGreaterThan(10);
      expect([...rates.series].sort()).toEqual(['acked audit', 'acked billing', 'published']);
      expect(await pixelsOfColor(page, 'backlog', after.colors['billing']!)).toBeGreaterThan(100);
      expect(await pixelsOfColor(page, 'rates', rates.colors['published']!)).toBeGreaterThan(100);
      await browser.screenshot('topic-live-charts');

      // Prepare: a dead letter, through the API: a subscription that gives up after one delivery, pulled and nacked.
      await call(broker, 'PUT', '/v1/topics/orders/subscriptions/fragile', { maxDeliveries: 1 });
      await call(broker, 'POST', '/v1/topics/orders/messages', { messages: [{ id: 'order-1002', key: 'customer-9', body: { orderId: 1002 } }] });
      const delivery = await call<{ messages: Array<{ ackId: string }> }>(broker, 'POST', '/v1/topics/orders/subscriptions/fragile/pull', { max: 1 });
      await call(broker, 'POST', '/v1/topics/orders/subscriptions/fragile/nack', { ackIds: [delivery.messages[0]!.ackId], reason: 'card declined' });
      await until(() => subscriptionCell(page, 'fragile', 'Dead letters'), (cell) => cell === '1', { what: 'one dead letter of fragile on the page' });

      // Act: open its dead letters, look at the one there, and redrive all.
      await page.locator('tr[data-key="fragile"]').getByRole('button', { name: 'Dead letters' }).click();
      const panel = page.getByRole('region', { name: 'Dead letters of fragile' });
      await panel.getByRole('button', { name: 'order-1002' }).click();
      await panel.getByText('card declined').first().waitFor();
      await browser.screenshot('dead-letters');
      await panel.getByRole('button', { name: 'Redrive all' }).click();

      // Assess: the page says so, its counts change, and the broker holds the message as ready again.
      await page.getByText('Redrove 1 dead letter of fragile.').waitFor();
      await until(() => subscriptionCell(page, 'fragile', 'Dead letters'), (cell) => cell === '0', { what: 'no dead letter of fragile on the page' });
      await until(() => subscriptionCell(page, 'fragile', 'Backlog'), (cell) => cell === '1', { what: 'a backlog of 1 for fragile on the page' });
      await panel.getByText('No dead letters.').waitFor();
      expect(await statsOf(broker, 'fragile')).toMatchObject({ deadLetters: 0, backlog: 1 });

      // Act: a reminder due in an hour, through the publish form; then cancel it from the delayed panel.
      await publish.getByLabel('Id').fill('remind-customer-7');
      await publish.getByLabel('Key').fill('customer-7');
      await publish.getByLabel('Attributes').fill('');
      await publish.getByLabel('Body (JSON)').fill('{"remind": "unpaid"}');
      await publish.getByLabel('Delay (seconds)').fill('3600');
      await publish.getByRole('button', { name: 'Publish' }).click();
      const delayedPanel = page.getByRole('region', { name: 'Delayed messages' });
      await delayedPanel.getByRole('button', { name: 'remind-customer-7', exact: true }).click();
      await delayedPanel.getByRole('article', { name: 'Delayed message remind-customer-7' }).waitFor();
      const waiting = await call<{ messages: Array<{ id: string }> }>(broker, 'GET', '/v1/topics/orders/delayed');
      await browser.screenshot('delayed');
      await delayedPanel.getByRole('button', { name: 'Cancel remind-customer-7' }).click();
      await page.getByRole('dialog', { name: 'Cancel remind-customer-7?' }).getByRole('button', { name: 'Cancel message' }).click();

      // Assess: it was waiting, and once cancelled the broker holds nothing delayed and the panel says so.
      await page.getByText('Cancelled remind-customer-7.').waitFor();
      await delayedPanel.getByText('No message is waiting for its time.').waitFor();
      expect(waiting.messages.map((m) => m.id)).toEqual(['remind-customer-7']);
      expect((await call<{ messages: unknown[] }>(broker, 'GET', '/v1/topics/orders/delayed')).messages).toEqual([]);

      // Act: browse the partition the form's message went to, by time, and open it.
      await page.locator(`a[href="#/topics/orders/partitions/${partition}"]`).click();
      await page.getByRole('heading', { name: `orders · partition ${partition}` }).waitFor();
      await page.getByLabel('Start at').selectOption('time');
      await page.getByLabel('From time (local)').fill('2000-01-01T00:00');
      await page.getByRole('button', { name: 'Read', exact: true }).click();
      await page.getByRole('button', { name: `Open message at offset ${offset}`, exact: true }).click();

      // Assess: the message, whole: key, attributes, offset and the body pretty-printed.
      const message = page.getByRole('article', { name: `Message at offset ${offset}` });
      await message.waitFor();
      const facts = await message.locator('dl').innerText();
      expect(facts).toContain('customer-7');
      expect(facts).toContain('region = eu');
      expect(facts).toContain('tier = gold');
      expect(await message.locator('pre.json').innerText()).toBe(JSON.stringify({ orderId: 1001, items: [{ sku: 'tea', qty: 2 }], gift: true }, null, 2));
      expect(page.url()).toMatch(/fromTime=(2000-01-01|1999-12-31)T/);
      await browser.screenshot('partition-message');

      // Act: the schedules page.
      await call(broker, 'PUT', '/v1/schedules/nightly-report', { topic: 'orders', cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' } } });
      await page.getByRole('link', { name: 'Schedules' }).click();

      // Assess: the schedule with its next fire time, as the API reports it.
      const schedule = await call<{ nextFireAt: string }>(broker, 'GET', '/v1/schedules/nightly-report');
      const row = page.locator('tbody tr', { hasText: 'nightly-report' });
      await until(() => row.locator('time').first().getAttribute('datetime'), (shown) => shown === schedule.nextFireAt, { what: 'the next fire time on the page' });
      expect(await row.innerText()).toContain('Europe/Berlin');
      await browser.screenshot('schedules');
      expect(browser.problems).toEqual([]);
    }, SCENARIO_MS);
  });

  describe('on a server with tokens and grants', () => {
    const OPS = 'operations-token-00000001';
    const READER = 'reader-token-000000000002';
    let broker: StartedConveyor;
    let browser: ConsoleBrowser;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = makeDataDir('console-tokens');
      const tokenFile = join(dataDir, 'tokens.json');
      writeFileSync(
        tokenFile,
        JSON.stringify({ tokens: [{ name: 'ops', token: OPS, grants: ['admin'] }, { name: 'reader', token: READER, grants: ['consume:orders'] }] }),
      );
      broker = await startConveyor({ synchronous: 'NORMAL', logLevel: 'silent', tokenFile, dataDir: join(dataDir, 'data') });
      await call(broker, 'PUT', '/v1/topics/orders', { partitions: 2 }, OPS);
      await call(broker, 'PUT', '/v1/topics/payroll', { partitions: 1 }, OPS);
      browser = await openBrowser();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await broker?.stop();
      removeDataDir(dataDir);
    });

    it('serves the page without a token, shows the 401 of the API, and then what the token may see and the 403 of what it may not do', async () => {
      const { page } = browser;

      // Act: the page, without a token.
      await page.goto(`${broker.url}/console`);

      // Assess: the API's 401, shown as it is.
      await page.getByRole('alert').filter({ hasText: '401 Unauthorized' }).waitFor();
      await page.locator('#token-state', { hasText: '401 Unauthorized' }).waitFor();

      // Act: a token that may only consume orders.
      await page.getByLabel('API token').fill(READER);
      await page.getByRole('button', { name: 'Use token' }).click();

      // Assess: only the topic it has a grant on, and the token in this tab's sessionStorage alone.
      await page.getByRole('link', { name: 'orders' }).waitFor();
      expect(await page.getByRole('link', { name: 'payroll' }).count()).toBe(0);
      expect(await page.evaluate("[sessionStorage.getItem('conveyor.console.token'), localStorage.length, document.cookie]")).toEqual([READER, 0, '']);

      // Act: its topic page, and a subscription it may not create.
      await page.getByRole('link', { name: 'orders' }).click();
      const form = page.getByRole('form', { name: 'Create a subscription' });
      await form.getByLabel('Name').fill('sneaky');
      await form.getByRole('button', { name: 'Create subscription' }).click();

      // Assess: the 403 with the grant it lacks, nothing created, and rates from offsets since /metrics is refused too.
      await form.getByRole('alert').filter({ hasText: '403 Forbidden' }).waitFor();
      expect(await form.getByRole('alert').innerText()).toContain('reader lacks the grant "manage:orders"');
      const listing = await call<{ subscriptions: unknown[] }>(broker, 'GET', '/v1/topics/orders/subscriptions', undefined, OPS);
      expect(listing.subscriptions).toEqual([]);
      await page.getByText('This token lacks the metrics grant').waitFor();
      expect((await chartData(page, 'rates')).series).toEqual(['appended']);
      await browser.screenshot('forbidden');
      expect(browser.problems.filter((problem) => !/status of 40[13]/.test(problem))).toEqual([]);
    }, SCENARIO_MS);
  });
});
