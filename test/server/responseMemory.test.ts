import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { PublishLimits, ReadLimits, ResponseLimits } from '../../src/domain/constants.js';
import { storedMessageBytes } from '../../src/domain/messageSize.js';
import type { Message } from '../../src/domain/types.js';
import { ApiClient, requireStatus } from '../contract/harness/ApiClient.js';
import { Conveyor } from '../contract/harness/Conveyor.js';
import { publishOk } from '../contract/harness/logFixtures.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';
import { startServerProcess, stopServer, type ServerProcess } from '../helpers/serverProcess.js';
import { itRequiring } from './itRequiring.js';

/** The bound the issue sets for 10 concurrent maximal reads of 256 KiB messages. */
const PEAK_LIMIT_MB = 300;
const MESSAGES = 300;
const CONCURRENT_READS = 10;
const ROUNDS = 3;
/** A body that makes the stored message as large as a message can be: the JSON string's quotes count too. */
const LARGEST_BODY = 'x'.repeat(PublishLimits.messageBytes - 2);

/** Peak resident memory of a process so far (VmHWM), in MB. */
function peakMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`/proc/${pid}/status has no VmHWM line`);
  return Number(match[1]) / 1024;
}

/** Starts the peak over from the current resident size (Linux 4.0 and later), so the reads are measured apart from the publishes. */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** One maximal read over plain fetch (the contract client would validate megabytes against the OpenAPI document). */
async function readAll(url: string): Promise<{ status: number; messages: Message[] }> {
  const response = await fetch(`${url}/v1/topics/large/partitions/0/messages?fromOffset=0&limit=${ReadLimits.limit.max}`);
  const body = (await response.json()) as { messages: Message[] };
  return { status: response.status, messages: body.messages };
}

// Peak memory is read from /proc, which only Linux has.
const itWithProc = itRequiring(existsSync('/proc/self/status') ? undefined : 'peak memory is read from /proc/<pid>/status, which only Linux has');

describe('npm start: memory under concurrent maximal reads', () => {
  let dataDir = '';
  let server: ServerProcess | undefined;

  beforeAll(() => {
    dataDir = makeDataDir('memory');
  });

  afterAll(async () => {
    await stopServer(server);
    removeDataDir(dataDir);
  });

  itWithProc(`stays under ${PEAK_LIMIT_MB} MB with ${CONCURRENT_READS} concurrent reads of limit=1000 over ${MESSAGES} messages of 256 KiB`, async () => {
    // Prepare: about 1 MiB per publish, so publishing does not set the peak itself
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
    const api = new Conveyor(new ApiClient(server.url));
    requireStatus('creating topic large', await api.createTopic('large', { partitions: 1 }), 201);
    for (let published = 0; published < MESSAGES; published += 4) {
      await publishOk(api, 'large', Array.from({ length: Math.min(4, MESSAGES - published) }, () => ({ body: LARGEST_BODY })));
    }
    // A fresh process over the same data: what publishing left on its heap is no part of the reads' peak.
    await stopServer(server);
    server = await startServerProcess({ PORT: '0', DATA_DIR: dataDir });
    const pid = server.child.pid!;
    resetPeak(pid);

    // Act
    const answers = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      answers.push(...(await Promise.all(Array.from({ length: CONCURRENT_READS }, () => readAll(server!.url)))));
    }
    const peak = peakMb(pid);
    process.stdout.write(`peak resident memory during ${ROUNDS} rounds of ${CONCURRENT_READS} concurrent maximal reads: ${peak.toFixed(0)} MB\n`);

    // Assess
    for (const { status, messages } of answers) {
      expect(status).toBe(200);
      expect(messages.length).toBeGreaterThan(0);
      expect(messages.reduce((sum, message) => sum + storedMessageBytes(message), 0)).toBeLessThanOrEqual(ResponseLimits.bytes.default);
    }
    expect(peak).toBeLessThan(PEAK_LIMIT_MB);
    expect(answers).toHaveLength(ROUNDS * CONCURRENT_READS);
  }, 180_000);
});
