// Bundles a program that only publishes with conveyor/client, as a user would ship it (esbuild, minified,
// platform node, ESM), and prints its size raw and gzipped with the packages it took in. Measures the
// compiled client in dist/: run `npx tsc -b tsconfig.build.json` first.
//
//   node scripts/measureClientBundle.mjs
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const PROGRAM = `import { ConveyorClient } from 'conveyor/client';

const client = new ConveyorClient({ url: process.env.CONVEYOR_URL ?? 'http://127.0.0.1:8080' });
const { results } = await client.publish('orders', { id: 'order-1001', key: 'customer-7', body: { total: 42 } });
console.log(results);
`;

const dir = mkdtempSync(join(tmpdir(), 'conveyor-client-bundle-'));
try {
  const entry = join(dir, 'publish.mjs');
  writeFileSync(entry, PROGRAM);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    metafile: true,
    write: false,
    outfile: join(dir, 'out.mjs'),
    alias: { 'conveyor/client': join(ROOT, 'dist', 'src', 'client', 'index.js') },
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].contents;
  const packages = [...new Set(Object.keys(result.metafile.inputs).map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? 'conveyor'))].sort();
  console.log(JSON.stringify({ rawBytes: code.length, gzipBytes: gzipSync(code).length, inputs: Object.keys(result.metafile.inputs).length, packages }, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
