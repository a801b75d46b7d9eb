import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { readConfig } from '../../src/server/config.js';
import { serve, type Serving } from '../../src/server/serve.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';

const TOKEN = 'checkout-token-0000000001';

/** What the server logged, one parsed JSON object per line. */
type LogLine = Record<string, unknown>;

interface LoggingServer {
  readonly url: string;
  readonly lines: LogLine[];
  stop(): Promise<void>;
}

/** An embedded server with one named token, logging at info into `lines`. */
async function startLogging(env: Record<string, string> = {}): Promise<LoggingServer> {
  const dataDir = makeDataDir('access-log');
  const tokenFile = join(dataDir, 'tokens.json');
  writeFileSync(tokenFile, JSON.stringify({ tokens: [{ name: 'checkout', token: TOKEN, grants: ['admin'] }] }));
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const serving: Serving = await serve({ config: readConfig({ PORT: '0', DATA_DIR: dataDir, AUTH_TOKENS_FILE: tokenFile, ...env }), backend: 'sqlite', logger });
  return {
    url: serving.url,
    lines,
    stop: async () => {
      await serving.stop();
      removeDataDir(dataDir);
    },
  };
}

const accessLines = (lines: readonly LogLine[]): LogLine[] => lines.filter((line) => line['msg'] === 'request');

describe('Access log', () => {
  describe('with the default setting', () => {
    let server: LoggingServer;

    beforeAll(async () => {
      server = await startLogging();
    });

    afterAll(async () => {
      await server.stop();
    });

    it('writes one info line per request with the method, route template, status, duration, caller and request id', async () => {
      // Prepare
      const before = accessLines(server.lines).length;

      // Act
      const response = await fetch(`${server.url}/v1/topics/logged-orders`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}` } });

      // Assess
      expect(response.status).toBe(201);
      expect(accessLines(server.lines).slice(before)).toEqual([
        {
          level: 30,
          time: expect.any(Number),
          pid: expect.any(Number),
          hostname: expect.any(String),
          method: 'PUT',
          route: '/v1/topics/{topic}',
          status: 201,
          durationMs: expect.any(Number),
          caller: 'checkout',
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          msg: 'request',
        },
      ]);
    });

    it('never writes the concrete path or the token', async () => {
      // Act
      await fetch(`${server.url}/v1/topics/secret-topic-name`, { headers: { authorization: `Bearer ${TOKEN}` } });

      // Assess
      const text = JSON.stringify(accessLines(server.lines));
      expect(text).not.toContain('secret-topic-name');
      expect(text).not.toContain(TOKEN);
    });

    it('logs an error answer with its status, and a path that is no route as unmatched', async () => {
      // Prepare
      const before = accessLines(server.lines).length;

      // Act
      await fetch(`${server.url}/v1/topics/missing-topic`, { headers: { authorization: `Bearer ${TOKEN}` } });
      await fetch(`${server.url}/v1/nowhere`, { headers: { authorization: `Bearer ${TOKEN}` } });

      // Assess
      expect(accessLines(server.lines).slice(before).map((line) => [line['method'], line['route'], line['status'], line['caller']])).toEqual([
        ['GET', '/v1/topics/{topic}', 404, 'checkout'],
        ['GET', 'unmatched', 404, 'checkout'],
      ]);
    });

    it('logs a request refused before routing under that route, without a caller', async () => {
      // Prepare
      const before = accessLines(server.lines).length;

      // Act
      const response = await fetch(`${server.url}/v1/topics/logged-orders`, { headers: { authorization: 'Bearer wrong-token-0000000000' } });

      // Assess
      expect(response.status).toBe(401);
      expect(accessLines(server.lines).slice(before)).toEqual([
        expect.objectContaining({ method: 'GET', route: 'refused before routing', status: 401, caller: null, requestId: expect.any(String) }),
      ]);
    });
  });

  it('writes no access line with CONVEYOR_ACCESS_LOG=off', async () => {
    // Prepare
    const server = await startLogging({ CONVEYOR_ACCESS_LOG: 'off' });

    // Act
    try {
      await fetch(`${server.url}/v1/topics/quiet`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}` } });
      await fetch(`${server.url}/v1/topics/quiet`, { headers: { authorization: 'Bearer wrong-token-0000000000' } });
    } finally {
      await server.stop();
    }

    // Assess
    expect(accessLines(server.lines)).toEqual([]);
    expect(server.lines.some((line) => line['msg'] === 'conveyor listening')).toBe(true);
  });
});
