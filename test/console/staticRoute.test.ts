import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CONSOLE_CSP } from '../../src/server/console/ConsoleRoute.js';
import { startConveyor, type StartedConveyor } from '../../src/server/index.js';
import { makeDataDir, removeDataDir } from '../helpers/dataDir.js';

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** Sends the path exactly as written: fetch() would resolve dot segments before sending. */
function raw(url: string, path: string, { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname, port, path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const errorOf = (answer: RawAnswer): { code: string; message: string } => (JSON.parse(answer.body.toString()) as { error: { code: string; message: string } }).error;

/** The relative imports of an ES module's source (`from './x.js'`, `import './y.js'`). */
const importsOf = (source: string): string[] => [...source.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]!);

const UPLOT_DIST = dirname(createRequire(import.meta.url).resolve('uplot'));
const PACKAGE_NAME = '"name": "conveyor"';

describe('Static route: /console on the local server', () => {
  let broker: StartedConveyor;

  beforeAll(async () => {
    broker = await startConveyor({ synchronous: 'NORMAL', logLevel: 'silent' });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  describe('GET /console', () => {
    it('answers the page as HTML with a strict content security policy and revalidated caching', async () => {
      // Act
      const page = await raw(broker.url, '/console');

      // Assess
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(CONSOLE_CSP).toContain("default-src 'none'");
      expect(CONSOLE_CSP).toContain("script-src 'self'");
      expect(CONSOLE_CSP).not.toContain('unsafe');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['etag']).toMatch(/^"[\w-]+"$/);
    });

    it('holds no inline script, style or event handler, which the policy would block', async () => {
      // Act
      const html = (await raw(broker.url, '/console')).body.toString();

      // Assess
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(script).toMatch(/ src="\/console\/assets\/[^"]+"/);
      expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
      expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    });

    it('answers 304 without a body when the browser already has this version, and HEAD with the headers alone', async () => {
      // Prepare
      const first = await raw(broker.url, '/console');

      // Act
      const revalidated = await raw(broker.url, '/console', { headers: { 'if-none-match': String(first.headers['etag']) } });
      const head = await raw(broker.url, '/console', { method: 'HEAD' });

      // Assess
      expect(revalidated.status).toBe(304);
      expect(revalidated.body.length).toBe(0);
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(head.headers['content-length']).toBe(String(first.body.length));
    });

    it('sends /console/ to /console', async () => {
      const answer = await raw(broker.url, '/console/');

      expect(answer.status).toBe(308);
      expect(answer.headers['location']).toBe('/console');
    });
  });

  describe('GET /console/assets/…', () => {
    it.each([
      { file: 'main.js', type: 'text/javascript; charset=utf-8' },
      { file: 'console.css', type: 'text/css; charset=utf-8' },
      { file: 'favicon.svg', type: 'image/svg+xml' },
      { file: 'views/topic.js', type: 'text/javascript; charset=utf-8' },
    ])('answers $file as $type', async ({ file, type }) => {
      const answer = await raw(broker.url, `/console/assets/${file}`);

      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe(type);
      expect(answer.headers['content-security-policy']).toBe(CONSOLE_CSP);
    });

    it.each([
      { file: 'uPlot.esm.js', type: 'text/javascript; charset=utf-8' },
      { file: 'uPlot.min.css', type: 'text/css; charset=utf-8' },
    ])("answers vendor/$file from the installed uplot package, byte for byte", async ({ file, type }) => {
      const answer = await raw(broker.url, `/console/assets/vendor/${file}`);

      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe(type);
      expect(answer.body.equals(readFileSync(join(UPLOT_DIST, file)))).toBe(true);
    });

    it('serves every module the page imports, from main.js down', async () => {
      // Prepare
      const pending = ['/console/assets/main.js'];
      const served = new Map<string, number>();

      // Act: follow the imports as the browser does.
      while (pending.length > 0) {
        const path = pending.pop()!;
        if (served.has(path)) continue;
        const answer = await raw(broker.url, path);
        served.set(path, answer.status);
        if (answer.status === 200) for (const imported of importsOf(answer.body.toString())) pending.push(new URL(imported, `http://x${path}`).pathname);
      }

      // Assess
      expect(served.size).toBeGreaterThan(10);
      expect([...served].filter(([, status]) => status !== 200)).toEqual([]);
      expect(served.has('/console/assets/vendor/uPlot.esm.js')).toBe(true);
    });
  });

  describe('paths that name no console file', () => {
    it.each([
      { case: 'an encoded ../ to package.json', path: '/console/..%2f..%2fpackage.json', status: 404, code: 'NotFound' },
      { case: 'an encoded ../ below assets', path: '/console/assets/..%2f..%2fpackage.json', status: 404, code: 'NotFound' },
      { case: 'encoded dots and slashes', path: '/console/assets/%2e%2e%2f%2e%2e%2fpackage.json', status: 404, code: 'NotFound' },
      { case: 'a raw ../', path: '/console/assets/../../package.json', status: 400, code: 'InvalidName' },
      { case: 'an encoded .. segment', path: '/console/%2e%2e/package.json', status: 400, code: 'InvalidName' },
      { case: 'a double-encoded .. segment', path: '/console/assets/%252e%252e/%252e%252e/package.json', status: 400, code: 'InvalidName' },
      { case: 'an empty segment', path: '/console/assets//main.js', status: 400, code: 'InvalidName' },
      { case: 'an encoded NUL', path: '/console/assets/main.js%00.css', status: 400, code: 'InvalidName' },
      { case: 'an encoded file name', path: '/console/assets/%6dain.js', status: 404, code: 'NotFound' },
      { case: 'the page under its file name', path: '/console/index.html', status: 404, code: 'NotFound' },
      { case: 'a file of uplot the page does not use', path: '/console/assets/vendor/uPlot.cjs.js', status: 404, code: 'NotFound' },
      { case: 'an unknown file', path: '/console/assets/nope.js', status: 404, code: 'NotFound' },
    ])('answers $case ($path) with $status $code in JSON, and never a file outside', async ({ path, status, code }) => {
      // Act
      const answer = await raw(broker.url, path);

      // Assess
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(errorOf(answer).code).toBe(code);
      expect(answer.body.toString()).not.toContain(PACKAGE_NAME);
    });

    it('answers other methods with 405 and the methods allowed', async () => {
      const answer = await raw(broker.url, '/console', { method: 'POST' });

      expect(answer.status).toBe(405);
      expect(answer.headers['allow']).toBe('GET, HEAD');
      expect(errorOf(answer).code).toBe('MethodNotAllowed');
    });

    it('leaves paths that only start like it to the API', async () => {
      const answer = await raw(broker.url, '/consoles');

      expect(answer.status).toBe(404);
      expect(errorOf(answer).message).toContain('see docs/openapi.yaml');
    });
  });

  describe('on a server with tokens', () => {
    let guarded: StartedConveyor;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = makeDataDir('console-route');
      const tokenFile = join(dataDir, 'tokens.json');
      writeFileSync(tokenFile, JSON.stringify({ tokens: [{ name: 'ops', token: 'operations-token-00000001', grants: ['admin'] }] }));
      guarded = await startConveyor({ synchronous: 'NORMAL', logLevel: 'silent', tokenFile, dataDir: join(dataDir, 'data') });
    });

    afterAll(async () => {
      await guarded?.stop();
      removeDataDir(dataDir);
    });

    it('serves the page and its files without a token, and the API still asks for one', async () => {
      // Act
      const page = await raw(guarded.url, '/console');
      const asset = await raw(guarded.url, '/console/assets/api.js');
      const api = await raw(guarded.url, '/v1/topics');
      const around = await raw(guarded.url, '/console/../v1/topics');

      // Assess
      expect([page.status, asset.status]).toEqual([200, 200]);
      expect(api.status).toBe(401);
      expect(around.status).toBe(400);
    });

    it('counts console requests in the request metrics under their route', async () => {
      // Prepare
      await raw(guarded.url, '/console');

      // Act
      const metrics = await raw(guarded.url, '/metrics', { headers: { authorization: 'Bearer operations-token-00000001' } });

      // Assess
      expect(metrics.body.toString()).toMatch(/conveyor_http_request_duration_seconds_count\{method="GET",route="\/console",status="200"\} [1-9]/);
    });
  });
});
