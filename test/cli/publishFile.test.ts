import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishSummary } from '../../src/cli/publish/publishSummary.js';
import { startCliBroker, type CliBroker } from './brokerFixture.js';
import { runCli } from './conveyorCli.js';
import { startFaultyProxy, type FaultyProxy, type LostAnswer } from './faultyProxy.js';

/** Line n (1-based) of the specs' NDJSON: odd lines in the API's message shape with a key and an attribute, even lines bare bodies; each names n. */
function lineOf(n: number): string {
  return n % 2 === 1 ? JSON.stringify({ body: { n, total: n % 97 }, key: `customer-${n % 1000}`, attributes: { region: n % 3 === 0 ? 'us' : 'eu' } }) : JSON.stringify({ n, total: n % 97 });
}

describe('Command: conveyor publish of NDJSON (child processes against a broker)', () => {
  let broker: CliBroker;
  let env: Record<string, string>;
  let workDir: string;
  let proxy: FaultyProxy | undefined;
  let topics = 0;

  /** An NDJSON file of `count` lines (lineOf), with `replace` swapping some lines. */
  function ndjsonFile(count: number, replace: Record<number, string> = {}): string {
    const file = join(workDir, `input-${count}-${Object.keys(replace).join('-')}.ndjson`);
    const lines = Array.from({ length: count }, (_, index) => replace[index + 1] ?? lineOf(index + 1));
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  async function freshTopic(): Promise<string> {
    topics += 1;
    const topic = `bulk${topics}`;
    expect((await runCli(['topics', 'create', topic, '--partitions', '4'], { env })).code).toBe(0);
    expect((await runCli(['subs', 'create', topic, 'all'], { env })).code).toBe(0);
    return topic;
  }

  /** How many times each `n` is in the topic's log (read with conveyor tail), and the subscription's backlog. */
  async function contentsOf(topic: string): Promise<{ counts: Map<number, number>; messages: number; backlog: number }> {
    const tail = await runCli(['tail', topic], { env }, 60_000);
    expect(tail.code).toBe(0);
    const counts = new Map<number, number>();
    for (const record of tail.records as { body: { n: number } }[]) counts.set(record.body.n, (counts.get(record.body.n) ?? 0) + 1);
    const stats = await runCli(['stats', topic, 'all'], { env });
    const [view] = stats.records as { subscriptions: { backlog: number }[] }[];
    return { counts, messages: tail.records.length, backlog: view!.subscriptions[0]!.backlog };
  }

  function expectEachOnce(contents: { counts: Map<number, number>; messages: number; backlog: number }, count: number): void {
    expect(contents.messages).toBe(count);
    expect(contents.counts.size).toBe(count);
    expect([...contents.counts.values()].every((times) => times === 1)).toBe(true);
    expect(Math.min(...contents.counts.keys())).toBe(1);
    expect(Math.max(...contents.counts.keys())).toBe(count);
    expect(contents.backlog).toBe(count);
  }

  beforeAll(async () => {
    broker = await startCliBroker('cli-publish');
    env = broker.env;
    workDir = mkdtempSync(join(tmpdir(), 'conveyor-cli-publish-'));
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  afterAll(async () => {
    await broker.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('publishes 100,000 lines of a file exactly once each, and reports messages, bytes, seconds and rate', async () => {
    // Prepare
    const topic = await freshTopic();
    const file = ndjsonFile(100_000);

    // Act
    const run = await runCli(['publish', topic, '--file', file], { env }, 120_000);

    // Assess
    expect(run.code).toBe(0);
    const [summary] = run.records as PublishSummary[];
    expect(summary).toMatchObject({ published: 100_000, duplicates: 0, requests: 200, publishedThroughLine: 100_000 });
    expectEachOnce(await contentsOf(topic), 100_000);
    // Quoted in the README (CLI); behaviour is asserted above, speed only reported.
    console.log(`conveyor publish of 100,000 NDJSON lines (${(summary!.bytes / 1e6).toFixed(2)} MB): ${summary!.seconds} s, ${Math.round(summary!.messagesPerSecond)} messages/s`);
  }, 120_000);

  it.each<{ case: string; lost: LostAnswer }>([
    { case: 'a 503 instead of the answer', lost: 'answers 503' },
    { case: 'a reset connection instead of the answer', lost: 'resets the connection' },
  ])('sends a batch again with the same ids after $case, so no message is appended twice', async ({ lost }) => {
    // Prepare
    const topic = await freshTopic();
    const file = ndjsonFile(2000);
    proxy = await startFaultyProxy(broker.url, 2, lost);

    // Act
    const run = await runCli(['publish', topic, '--file', file, '--url', proxy.url], { env });

    // Assess
    expect(run.code).toBe(0);
    expect(run.records).toEqual([expect.objectContaining({ published: 2000, duplicates: 500, requests: 4 })]);
    expect(proxy.publishes).toHaveLength(5);
    const spoiled = proxy.publishes[1]!;
    expect(proxy.publishes.filter((ids) => ids.join() === spoiled.join())).toHaveLength(2);
    expect(new Set(proxy.publishes.flat()).size).toBe(2000);
    expectEachOnce(await contentsOf(topic), 2000);
  });

  it('publishes NDJSON from stdin', async () => {
    // Prepare
    const topic = await freshTopic();

    // Act
    const run = await runCli(['publish', topic, '--no-json'], { env, stdin: `${lineOf(1)}\n\n${lineOf(2)}\n${lineOf(3)}` });

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^published 3 messages \(\d+ B\) in .*: .* messages\/s, .*\/s\n$/);
    expectEachOnce(await contentsOf(topic), 3);
  });

  it('stops at a batch the API refuses with exit 1, naming the line, and says up to which line everything is published', async () => {
    // Prepare
    const topic = await freshTopic();
    const file = ndjsonFile(2000, { 1203: '{"body":{"n":1203},"key":42}' });

    // Act
    const run = await runCli(['publish', topic, '--file', file, '--in-flight', '1', '--no-json'], { env });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^conveyor publish: lines 1001-1500: 400 InvalidRequest: .*messages\[202\]\S* \(line 1203\)/);
    expect(run.stderr).toContain('published 1000 messages');
    expect(run.stderr).toContain('every line up to 1000 is published');
    expectEachOnce(await contentsOf(topic), 1000);
  });

  it('stops at a line that is not JSON with exit 2, after what was sent before it is published', async () => {
    // Prepare
    const topic = await freshTopic();
    const file = ndjsonFile(2000, { 700: '{"n":700,' });

    // Act
    const run = await runCli(['publish', topic, '--file', file, '--in-flight', '1'], { env });

    // Assess
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stderr) as { error: { code: string; message: string }; published: number };
    expect(report).toMatchObject({ error: { code: 'UsageError', message: expect.stringMatching(/^line 700 is not JSON: /) as unknown }, published: 500 });
    expectEachOnce(await contentsOf(topic), 500);
  });

  it.each([
    { case: 'a file that does not exist', args: ['--file', '/nonexistent/orders.ndjson'], code: 2, message: 'cannot read --file /nonexistent/orders.ndjson: no such file' },
    { case: '--body with --file', args: ['--body', '1', '--file', '-'], code: 2, message: 'give --body for one message or --file for NDJSON, not both' },
  ])('exits $code on $case', async ({ args, code, message }) => {
    // Prepare
    const topic = await freshTopic();

    // Act
    const run = await runCli(['publish', topic, ...args, '--no-json'], { env });

    // Assess
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
  });
});
