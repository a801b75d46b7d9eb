#!/usr/bin/env node
// Makes sure the browser the console specs drive (test/console) is there: Debian's
// chromium at /usr/bin/chromium, or the executable CONVEYOR_CHROMIUM names.
//
// - Present: exits 0 at once.
// - CONVEYOR_CHROMIUM names a missing file: exits 1 saying so (installing a package
//   would not put a browser at that path).
// - /usr/bin/chromium missing, running as root with apt-get: runs
//   `apt-get update && apt-get install -y chromium`, then checks again.
// - Otherwise: exits 1 naming what to install.
//
// test/globalSetup.ts runs it before the tests, so `npm ci && npm test` passes on a
// fresh machine (CI runs as root there); run it by hand with `node scripts/ensureChromium.mjs`.

import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const requested = process.env.CONVEYOR_CHROMIUM;
const target = requested === undefined || requested === '' ? DEBIAN_CHROMIUM : requested;

const runnable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const fail = (message) => {
  process.stderr.write(`ensureChromium: ${message}\n`);
  process.exit(1);
};

if (runnable(target)) process.exit(0);

if (target !== DEBIAN_CHROMIUM) {
  fail(`CONVEYOR_CHROMIUM=${target} is not an executable file. Point it at a Chromium or Chrome binary, or unset it to use Debian's chromium at ${DEBIAN_CHROMIUM}.`);
}

const hasAptGet = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!hasAptGet || !isRoot) {
  fail(
    `${DEBIAN_CHROMIUM} is missing, and the console specs (test/console) drive it headless. ` +
      (hasAptGet ? 'Install it as root: sudo apt-get update && sudo apt-get install -y chromium' : 'Install Chromium (Debian and Ubuntu: the "chromium" package), or set CONVEYOR_CHROMIUM to a Chromium or Chrome binary.'),
  );
}

process.stderr.write(`ensureChromium: ${DEBIAN_CHROMIUM} is missing; installing Debian's chromium (apt-get update && apt-get install -y chromium)\n`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update'], ['install', '-y', 'chromium']]) {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (result.status !== 0) fail(`apt-get ${args.join(' ')} failed (exit ${result.status ?? result.signal}); install the "chromium" package by hand.`);
}
if (!runnable(DEBIAN_CHROMIUM)) fail(`apt-get installed chromium, but ${DEBIAN_CHROMIUM} is still missing; install it by hand or set CONVEYOR_CHROMIUM.`);
process.stderr.write(`ensureChromium: installed ${DEBIAN_CHROMIUM}\n`);
