// Writes the request-body components of docs/openapi.yaml from the zod schemas that validate the
// requests (src/http/schemas, compiled to dist), then the client's types from the document, so both
// stay in step with the server. Every other part of the document stays as written, comments included.
//
//   npx tsc -b tsconfig.build.json && node scripts/generateOpenApi.mjs    (npm run generate:openapi)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOCUMENT = join(ROOT, 'docs', 'openapi.yaml');

const { requestBodyComponents, DOCUMENT_OWNED } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'http', 'schemas', 'openApiComponents.js')).href);

/** Keywords in the order the document writes them: what a node is, then its bounds, then its prose. */
const ORDER = ['x-generated-from', '$ref', 'type', 'anyOf', 'additionalProperties', 'minProperties', 'required', 'properties', 'not'];
const LAST = ['default', 'description', 'examples'];
const rank = (key) => (ORDER.includes(key) ? ORDER.indexOf(key) : LAST.includes(key) ? 100 + LAST.indexOf(key) : 50);

/** `schema` with keywords in document order at every level; an object's description follows its type. */
function ordered(schema) {
  if (Array.isArray(schema)) return schema.map(ordered);
  if (typeof schema !== 'object' || schema === null) return schema;
  const object = 'properties' in schema;
  const place = (key) => (object && key === 'description' ? rank('type') + 0.5 : rank(key));
  const keys = Object.keys(schema).sort((a, b) => place(a) - place(b));
  return Object.fromEntries(keys.map((key) => [key, key === 'properties' ? Object.fromEntries(Object.entries(schema[key]).map(([name, value]) => [name, ordered(value)])) : ordered(schema[key])]));
}

/** YAML in the document's style: single quotes, lists of scalars inline (`required: [body]`). */
function render(value) {
  const doc = new YAML.Document(value);
  YAML.visit(doc, {
    Seq(_key, node) {
      if (!node.items.every(YAML.isScalar)) return;
      node.flow = true;
      for (const item of node.items) if (typeof item.value === 'string' && item.value.includes(' ')) item.type = 'QUOTE_SINGLE';
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, singleQuote: true }).trimEnd();
}

const text = readFileSync(DOCUMENT, 'utf8');
const schemas = YAML.parseDocument(text).getIn(['components', 'schemas']);
for (const name of DOCUMENT_OWNED) {
  if (!schemas.has(name)) throw new Error(`docs/openapi.yaml has no component ${name}, which the generated bodies refer to`);
}
// Each generated component replaces the text of the one it names, from its key to the end of its
// value, so everything else keeps its exact bytes (the yaml package would refold some of it).
const edits = requestBodyComponents().map(({ name, schema }) => {
  const pair = schemas.items.find((item) => item.key?.value === name);
  if (pair === undefined) throw new Error(`docs/openapi.yaml has no component ${name} to generate: add it under components.schemas`);
  const rendered = render({ [name]: ordered(schema) })
    .split('\n')
    .map((line) => `    ${line}`.trimEnd())
    .join('\n');
  return { from: pair.key.range[0], to: pair.value.range[1], rendered: rendered.trimStart() };
});
let written = text;
for (const { from, to, rendered } of edits.sort((a, b) => b.from - a.from)) {
  written = `${written.slice(0, from)}${rendered}\n${written.slice(to)}`;
}
writeFileSync(DOCUMENT, written);
process.stdout.write('wrote docs/openapi.yaml\n');

const client = spawnSync('npm', ['run', '--silent', 'generate:client'], { cwd: ROOT, stdio: 'inherit' });
process.exit(client.status ?? 1);
