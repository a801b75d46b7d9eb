import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium, which scripts/ensureChromium.mjs installs when missing (test/globalSetup.ts runs it). */
export const CHROMIUM = process.env['CONVEYOR_CHROMIUM'] ?? '/usr/bin/chromium';

/** Where the console specs save their screenshots (git-ignored). */
export const SCREENSHOTS = join(process.cwd(), 'test-output', 'console');

/**
 * Headless, and quiet on a closed network: without the background-networking
 * flags chromium keeps trying to reach Google's services.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless chromium with a fresh profile, and every problem the page reports. */
export interface ConsoleBrowser {
  readonly page: Page;
  /** Console errors (CSP violations among them) and uncaught exceptions, in order. */
  readonly problems: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<ConsoleBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'conveyor-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1440, height: 1000 } });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    page,
    problems,
    screenshot: async (name) => {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Pixels of the chart's canvas drawn in `color` (#rrggbb, within a small
 * tolerance for antialiasing): proof that the series' line was rendered.
 */
export async function pixelsOfColor(page: Page, chart: string, color: string): Promise<number> {
  return page.locator(`[data-chart="${chart}"] canvas`).evaluate((canvas, hex) => {
    // Typed by hand: the tests compile without the DOM library.
    const element = canvas as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null };
    const context = element.getContext('2d');
    if (context === null) return 0;
    const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];
    const { data } = context.getImageData(0, 0, element.width, element.height);
    let matches = 0;
    for (let index = 0; index < data.length; index += 4) {
      if (Math.abs(data[index]! - r) < 24 && Math.abs(data[index + 1]! - g) < 24 && Math.abs(data[index + 2]! - b) < 24 && data[index + 3]! > 200) matches += 1;
    }
    return matches;
  }, color);
}

/** What a chart of the console exposes about the data it draws. */
export interface ChartData {
  readonly points: number;
  readonly series: string[];
  readonly last: Record<string, number | null>;
  readonly colors: Record<string, string>;
}

export async function chartData(page: Page, chart: string): Promise<ChartData> {
  const dataset = await page.locator(`[data-chart="${chart}"]`).evaluate((element) => ({ ...(element as unknown as { dataset: Record<string, string | undefined> }).dataset }));
  return {
    points: Number(dataset['points']),
    series: (dataset['series'] ?? '').split(',').filter((label) => label !== ''),
    last: JSON.parse(dataset['last'] ?? '{}') as Record<string, number | null>,
    colors: JSON.parse(dataset['colors'] ?? '{}') as Record<string, string>,
  };
}

/**
 * Probes until `accept` holds, and resolves with that value; rejects with the
 * last value seen after `timeoutMs`. For what the page updates on its own timers.
 */
export async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, { timeoutMs = 30_000, what = 'the condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
