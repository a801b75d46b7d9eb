import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Jest loads this file outside its module mapper, so it imports nothing of the project's and starts moto
// itself; everything else starts it with src/emulation/motoServer.ts.

declare global {
  // Read by globalTeardown, which runs in this same process.
  var conveyorMotoProcesses: MotoProcess[] | undefined;
}

/** Where each jest worker finds its emulator (comma separated, by worker index); test/helpers/emulator.ts reads it. */
export const EMULATORS_ENV = 'CONVEYOR_TEST_EMULATORS';
/** Where the AWS suites find ConveyorStack's template, synthesized once per run; test/helpers/emulator.ts reads it. */
export const TEMPLATE_ENV = 'CONVEYOR_TEST_TEMPLATE';
const SYNTHESIZE = "import('./dist/infra/synthesize.js').then(async ({ synthesizeConveyorTemplate }) => (await import('node:fs')).writeFileSync(process.argv[1], JSON.stringify(synthesizeConveyorTemplate())))";
const LAUNCHER = 'emulator/moto_clock_server.py';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function post(url: string, body: unknown = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A moto server started by this process with Conveyor's clock launcher. */
export interface MotoProcess {
  readonly endpoint: string;
  readonly child: ChildProcess;
}

/**
 * Starts moto's server (Python package moto[server] 5.x) through the clock
 * launcher on a free loopback port, and waits until it answers.
 */
async function spawnMoto(timeoutMs = 30_000): Promise<MotoProcess> {
  const port = await freePort();
  const python = process.env['CONVEYOR_PYTHON'] ?? 'python3';
  const child = spawn(python, [LAUNCHER, '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: is moto[server] 5.x installed for ${python}? (pip install 'moto[server]>=5,<6')\n${stderr}`);
    try {
      if ((await post(`${endpoint}/__conveyor/clock`, { offsetMs: 0, frozenAtMs: null })).ok) return { endpoint, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms\n${stderr}`);
    }
    await sleep(100);
  }
}


/**
 * Makes sure chromium is there for the console specs (scripts/ensureChromium.mjs).
 * Builds what child-process tests run (the compiled server, exactly as `npm start`
 * does) and the functions' bundles, as `npm run build` does (CONVEYOR_SKIP_BUILD=1
 * skips both for single in-process suites), and starts
 * one AWS emulator per jest worker unless AWS_ENDPOINT_URL names one already.
 * Each AWS suite resets its worker's emulator when it starts.
 */
export default async function globalSetup(config: { maxWorkers: number }): Promise<void> {
  // The console specs drive Debian's chromium headless; installs it when missing and running as root, else fails naming it.
  execFileSync(process.execPath, ['scripts/ensureChromium.mjs'], { stdio: 'inherit' });
  if (process.env['CONVEYOR_SKIP_BUILD'] !== '1') {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], { stdio: 'inherit' });
    // The functions' bundles, which ConveyorFunction deploys; bundles nothing when they are up to date.
    execFileSync(process.execPath, ['scripts/bundleFunctions.mjs'], { stdio: 'inherit' });
  }
  // Loading aws-cdk-lib inside jest's module registry takes ~20 s per suite; plain node synthesizes in ~3 s, once.
  if (existsSync('dist/infra/synthesize.js')) {
    const template = join(mkdtempSync(join(tmpdir(), 'conveyor-template-')), 'ConveyorStack.template.json');
    execFileSync(process.execPath, ['--input-type=module', '-e', SYNTHESIZE, template], { stdio: 'inherit' });
    process.env[TEMPLATE_ENV] = template;
  }
  if ((process.env['AWS_ENDPOINT_URL'] ?? '') !== '') return;
  const motos = await Promise.all(Array.from({ length: Math.max(1, config.maxWorkers) }, () => spawnMoto()));
  globalThis.conveyorMotoProcesses = motos;
  process.env[EMULATORS_ENV] = motos.map((moto) => moto.endpoint).join(',');
}
