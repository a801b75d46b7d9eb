// Bundles every Lambda entry point in functions/ into dist/bundles/<name>/index.mjs, the code asset
// ConveyorFunction deploys. Done at build time (and so before `npm pack`), so that a CDK app synthesizes
// Conveyor's stack from node_modules without this repository's sources, esbuild or Docker.
//
//   node scripts/bundleFunctions.mjs           bundle what changed since the last run
//   node scripts/bundleFunctions.mjs --force   bundle everything again
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FUNCTIONS_DIR = join(ROOT, 'functions');
const BUNDLES_DIR = join(ROOT, 'dist', 'bundles');
const SELF = fileURLToPath(import.meta.url);

/**
 * Files a bundle depends on that its metafile does not list: this script, the
 * tsconfig esbuild reads, and the lock files an install rewrites (npm gives the
 * files it extracts their packages' old timestamps, so an upgraded dependency
 * would otherwise look unchanged).
 */
const BUILD_INPUTS = [SELF, join(ROOT, 'tsconfig.json'), join(ROOT, 'package-lock.json'), join(ROOT, 'node_modules', '.package-lock.json')];

/** ESM bundles still meet CommonJS dependencies that call `require` (pino, the SDK's Smithy packages); this gives them one. */
const REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** What the bundles get instead of the embedded backend's native module (see the file). */
const SQLITE_STAND_IN = join(ROOT, 'infra', 'bundling', 'betterSqlite3Unavailable.ts');

/** Beside each bundle's folder (the folder is the Lambda code asset, so nothing else goes in it): the files esbuild read. */
const INPUTS_SUFFIX = '.inputs.json';
const inputsFileOf = (name) => join(BUNDLES_DIR, `${name}${INPUTS_SUFFIX}`);

/** The entry points: every `functions/<name>.ts` exports `handler`. */
function entryNames() {
  return readdirSync(FUNCTIONS_DIR)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => basename(file, '.ts'))
    .sort();
}

/**
 * A bundle is current when it exists and none of the files esbuild read for it
 * (from its metafile), nor the BUILD_INPUTS, changed since it was written.
 * A deleted or renamed input makes it stale too.
 */
function isCurrent(name) {
  const bundle = join(BUNDLES_DIR, name, 'index.mjs');
  const inputsFile = inputsFileOf(name);
  if (!existsSync(bundle) || !existsSync(inputsFile)) return false;
  const builtAt = statSync(bundle).mtimeMs;
  if (BUILD_INPUTS.some((path) => existsSync(path) && statSync(path).mtimeMs > builtAt)) return false;
  return JSON.parse(readFileSync(inputsFile, 'utf8')).every((input) => {
    const path = join(ROOT, input);
    return existsSync(path) && statSync(path).mtimeMs <= builtAt;
  });
}

/**
 * The same esbuild settings `NodejsFunction` used for these functions: one
 * minified ESM file with everything inside (the AWS SDK v3 included), a
 * `require` for CommonJS dependencies, a source map without sources (the
 * functions run with --enable-source-maps), better-sqlite3 replaced.
 */
async function bundle(name) {
  const outdir = join(BUNDLES_DIR, name);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(FUNCTIONS_DIR, `${name}.ts`)],
    outfile: join(outdir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    // Lambda runs them on Node.js 24; node20 is the oldest runtime they must load on.
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    external: [],
    alias: { 'better-sqlite3': SQLITE_STAND_IN },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(inputsFileOf(name), JSON.stringify(Object.keys(result.metafile.inputs)));
}

/** Bundles the stale entry points (all of them with `force`); returns what it did, for the caller to report. */
export async function bundleFunctions({ force = false } = {}) {
  const started = Date.now();
  const names = entryNames();
  const stale = force ? names : names.filter((name) => !isCurrent(name));
  await Promise.all(stale.map(bundle));
  // Bundles of entry points that no longer exist would be deployed by nobody; leave none behind.
  if (existsSync(BUNDLES_DIR)) {
    for (const entry of readdirSync(BUNDLES_DIR, { withFileTypes: true })) {
      if (entry.isDirectory() && !names.includes(entry.name)) rmSync(join(BUNDLES_DIR, entry.name), { recursive: true, force: true });
      if (entry.isFile() && entry.name.endsWith(INPUTS_SUFFIX) && !names.includes(entry.name.slice(0, -INPUTS_SUFFIX.length))) rmSync(join(BUNDLES_DIR, entry.name));
    }
  }
  return { bundled: stale, current: names.filter((name) => !stale.includes(name)), ms: Date.now() - started };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === SELF) {
  const { bundled, current, ms } = await bundleFunctions({ force: process.argv.includes('--force') });
  const sizes = bundled.map((name) => `${name} ${(statSync(join(BUNDLES_DIR, name, 'index.mjs')).size / 1024).toFixed(0)} KiB`);
  if (bundled.length > 0) process.stdout.write(`bundled ${sizes.join(', ')} in ${ms} ms${current.length > 0 ? `; ${current.join(', ')} up to date` : ''}\n`);
}
