import { createServer, type Server } from 'node:http';
import { EmulatorKind, probeEmulator, unpatchedEmulatorWarning, warnIfUnpatchedEmulator } from '../../src/emulation/emulatorProbe.js';
import { startEmulator, type Emulator } from '../helpers/emulator.js';
import { freePort, startPlainMoto, type PlainMoto } from '../helpers/plainMoto.js';

/** An HTTP server that is no emulator: 404 to everything. */
async function notAnEmulator(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server: Server = createServer((_request, response) => response.writeHead(404, { 'content-type': 'text/plain' }).end('not here'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { endpoint: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('Module: emulatorProbe', () => {
  let launcher: Emulator;
  let plain: PlainMoto;
  let other: Awaited<ReturnType<typeof notAnEmulator>>;

  beforeAll(async () => {
    [launcher, plain, other] = await Promise.all([startEmulator(), startPlainMoto(), notAnEmulator()]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([launcher?.stop(), plain?.stop(), other?.close()]);
  });

  describe('Function: probeEmulator', () => {
    it.each([
      { case: "moto through Conveyor's launcher", endpoint: () => launcher.endpoint, kind: EmulatorKind.Conveyor },
      { case: 'a plain moto server', endpoint: () => plain.endpoint, kind: EmulatorKind.Moto },
      { case: 'a plain moto server, named with a trailing slash', endpoint: () => `${plain.endpoint}/`, kind: EmulatorKind.Moto },
      { case: 'an HTTP server that is no emulator', endpoint: () => other.endpoint, kind: EmulatorKind.Other },
    ])('tells $case apart', async ({ endpoint, kind }) => {
      // Act
      const found = await probeEmulator(endpoint());

      // Assess
      expect(found).toBe(kind);
    });

    it('answers unreachable when nothing listens', async () => {
      // Prepare
      const endpoint = `http://127.0.0.1:${await freePort()}`;

      // Act
      const found = await probeEmulator(endpoint);

      // Assess
      expect(found).toBe(EmulatorKind.Unreachable);
    });

    it('creates nothing on a plain moto server, whose S3 emulation answers unknown paths', async () => {
      // Act
      await probeEmulator(plain.endpoint);

      // Assess: the path of the launcher's clock is still a bucket that does not exist
      const again = await fetch(`${plain.endpoint}/__conveyor/clock`);
      expect(again.status).toBe(404);
      expect(await again.text()).toContain('NoSuchBucket');
    });
  });

  describe('Function: unpatchedEmulatorWarning', () => {
    it.each([
      { case: "Conveyor's emulator", kind: EmulatorKind.Conveyor },
      { case: 'an endpoint where nothing answers (starting the backend reports that)', kind: EmulatorKind.Unreachable },
    ])('has nothing to say about $case', ({ kind }) => {
      // Act
      const warning = unpatchedEmulatorWarning(kind, 'http://127.0.0.1:5000');

      // Assess
      expect(warning).toBeUndefined();
    });

    it.each([
      { case: 'a plain moto server', kind: EmulatorKind.Moto, says: ['is a plain moto server', 'Fan-out is slow there', 'stream stops feeding the relay'] },
      { case: 'another emulator', kind: EmulatorKind.Other, says: ["is not Conveyor's emulator", 'tested only on moto'] },
    ])('names the endpoint, what goes wrong on $case, and what to run instead', ({ kind, says }) => {
      // Act
      const warning = unpatchedEmulatorWarning(kind, 'http://127.0.0.1:4566');

      // Assess
      expect(warning).toContain('AWS_ENDPOINT_URL (http://127.0.0.1:4566)');
      for (const phrase of says) expect(warning).toContain(phrase);
      expect(warning).toContain('npx conveyor emulator --port <port>');
      expect(warning).toContain('leave AWS_ENDPOINT_URL unset');
    });
  });

  describe('Function: warnIfUnpatchedEmulator', () => {
    function recorders(): { lines: string[]; logged: Array<{ object: object; message: string }>; stderr: { write: (text: string) => boolean }; logger: { warn: (object: object, message: string) => void } } {
      const lines: string[] = [];
      const logged: Array<{ object: object; message: string }> = [];
      return { lines, logged, stderr: { write: (text) => lines.push(text) > 0 }, logger: { warn: (object, message) => logged.push({ object, message }) } };
    }

    it('writes a warning line and logs it when the endpoint is a plain moto server', async () => {
      // Prepare
      const { lines, logged, stderr, logger } = recorders();

      // Act
      const kind = await warnIfUnpatchedEmulator(plain.endpoint, logger, stderr);

      // Assess
      expect(kind).toBe(EmulatorKind.Moto);
      expect(lines).toEqual([`conveyor: warning: ${unpatchedEmulatorWarning(EmulatorKind.Moto, plain.endpoint)}\n`]);
      expect(logged).toEqual([{ object: { endpoint: plain.endpoint, emulator: EmulatorKind.Moto }, message: unpatchedEmulatorWarning(EmulatorKind.Moto, plain.endpoint) }]);
    });

    it("stays silent on Conveyor's emulator", async () => {
      // Prepare
      const { lines, logged, stderr, logger } = recorders();

      // Act
      const kind = await warnIfUnpatchedEmulator(launcher.endpoint, logger, stderr);

      // Assess
      expect(kind).toBe(EmulatorKind.Conveyor);
      expect(lines).toEqual([]);
      expect(logged).toEqual([]);
    });
  });
});
