import { DOCUMENT_OWNED, requestBodyComponents, staleComponents } from '../../src/http/schemas/openApiComponents.js';
import { loadOpenApi, resolvePointer } from '../helpers/openapi.js';

const doc = loadOpenApi();
const schemas: Readonly<Record<string, unknown>> = doc.components?.schemas ?? {};

describe('Request-body components of docs/openapi.yaml (generated from src/http/schemas)', () => {
  it('are what npm run generate:openapi makes of the zod schemas now', () => {
    // Act
    const stale = staleComponents(schemas);

    // Assess
    expect(stale).toEqual([]);
  });

  it('cover the body of every operation that takes one', () => {
    // Prepare
    const generated = new Set(requestBodyComponents().map((component) => component.name));

    // Act
    const handWritten = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, operation]) => {
        const ref = resolvePointer(operation, '/requestBody/content/application~1json/schema/$ref');
        return typeof ref === 'string' && !generated.has(ref.replace('#/components/schemas/', '')) ? [`${method.toUpperCase()} ${path}: ${ref}`] : [];
      }),
    );

    // Assess
    expect(handWritten).toEqual([]);
  });

  it('refer only to each other and to the components written by hand in the document', () => {
    // Prepare
    const generated = requestBodyComponents();
    const names = new Set([...generated.map((component) => component.name), ...DOCUMENT_OWNED]);

    // Act
    const refs = new Set(JSON.stringify(generated.map((component) => component.schema)).match(/#\/components\/schemas\/[A-Za-z]+/g));
    const missing = [...refs].map((ref) => ref.replace('#/components/schemas/', '')).filter((name) => !names.has(name) || schemas[name] === undefined);

    // Assess
    expect(missing).toEqual([]);
    expect(refs).toContain('#/components/schemas/JsonValue');
    expect(refs).toContain('#/components/schemas/Timestamp');
  });

  it('are reported stale, by name and with the command to run, when the document differs', () => {
    // Prepare
    const pull = schemas['PullRequest'] as { properties: { max: Record<string, unknown> } };
    const edited = { ...schemas, PullRequest: { ...pull, properties: { ...pull.properties, max: { ...pull.properties.max, maximum: 99 } } } };

    // Act
    const stale = staleComponents(edited);

    // Assess
    expect(stale).toEqual(['docs/openapi.yaml: PullRequest differs from src/http/schemas/subscriptions.ts#pullBody: run npm run generate:openapi']);
  });

  it('are reported stale when one is missing or marked generated while nothing generates it', () => {
    // Prepare
    const { SeekRequest: _seek, ...withoutSeek } = schemas;
    const edited = { ...withoutSeek, Leftover: { 'x-generated-from': 'src/http/schemas/topics.ts#leftoverBody', type: 'object' } };

    // Act
    const stale = staleComponents(edited);

    // Assess
    expect(stale).toEqual([
      'docs/openapi.yaml has no component SeekRequest (from src/http/schemas/subscriptions.ts#seekBody): add it under components.schemas and run npm run generate:openapi',
      "docs/openapi.yaml: Leftover is marked x-generated-from but no zod schema has its id: write it by hand without the mark, or give a schema .meta({ id: 'Leftover' })",
    ]);
  });
});
