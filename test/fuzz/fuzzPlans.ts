import fc from 'fast-check';
import { loadOpenApi } from '../helpers/openapi.js';
import { fuzzSettings, type FuzzSettings } from './checkProperty.js';
import { documentedOperations, type FuzzOperation } from './documentedOperations.js';
import type { Generated } from './FuzzRequest.js';
import { hostilePathRequests, hostileValueRequests, limitRequests, validRequests } from './operationArbitraries.js';
import { DocumentModel } from './oracle.js';
import { malformedHttpRequests, undocumentedMethodRequests, unmatchedPathRequests } from './outsideArbitraries.js';
import type { ValueContext } from './schemaValues.js';

/** One property: a title and what it sends. */
export interface Property {
  readonly case: string;
  readonly generated: Generated;
}

/** How one backend is fuzzed. */
export interface Plan {
  /** fast-check runs per property, each a batch of up to `batch` requests. */
  readonly runs: number;
  readonly batch: number;
  /** A request without an answer by then fails. */
  readonly timeoutMs: number;
  readonly properties: (operation: FuzzOperation) => Property[];
  readonly methods: readonly Property[];
  readonly outside: readonly Property[];
}

/** The document, read once, and what every plan derives from it. */
export interface FuzzSetup {
  readonly model: DocumentModel;
  readonly ctx: ValueContext;
  readonly settings: FuzzSettings;
}

export function fuzzSetup(backend: string): FuzzSetup {
  const doc = loadOpenApi();
  return {
    model: new DocumentModel(doc, documentedOperations(doc)),
    ctx: { doc, pinned: { waitSeconds: 0 }, recentPools: new Set(['ackIds', 'ids']) },
    settings: fuzzSettings(backend),
  };
}

/** Generated with its examples dropped: random requests only. */
const randomOnly = (generated: Generated): Generated => ({ arbitrary: generated.arbitrary, examples: () => [] });

function categories({ ctx }: FuzzSetup, operation: FuzzOperation): Property[] {
  const properties: Array<{ case: string; generated: Generated | undefined }> = [
    { case: 'valid requests', generated: validRequests(ctx, operation) },
    { case: 'values at and just past every documented limit', generated: limitRequests(ctx, operation) },
    { case: 'hostile values, bodies and content types', generated: hostileValueRequests(ctx, operation) },
    { case: 'hostile paths', generated: hostilePathRequests(ctx, operation) },
  ];
  return properties.filter((property): property is Property => property.generated !== undefined);
}

function methodProperties({ ctx, model }: FuzzSetup): Property[] {
  return Object.keys(model.doc.paths).flatMap((template) => {
    const generated = undocumentedMethodRequests(ctx, model, template);
    return generated === undefined ? [] : [{ case: `every method ${template} does not document`, generated }];
  });
}

const UNMATCHED = 'paths that match no operation get 400, 404 or 405 and the error body, and no traversal reaches another resource';

/** The embedded backend: four properties per operation, each with examples sent on every run, and every path's undocumented methods. */
export function embeddedPlan(setup: FuzzSetup): Plan {
  return {
    runs: setup.settings.runs,
    batch: setup.settings.batch,
    timeoutMs: 10_000,
    properties: (operation) => categories(setup, operation),
    methods: methodProperties(setup),
    outside: [
      { case: UNMATCHED, generated: unmatchedPathRequests(setup.model) },
      { case: 'requests that are not valid HTTP/1.1 get a 4xx and the error body', generated: malformedHttpRequests() },
    ],
  };
}

/**
 * The AWS backend answers each request only once the emulator has settled, and
 * reads its state back through DynamoDB and SQS: there, a few hundred random
 * requests, one mixed property per operation, no examples (the embedded run
 * sends them through the same handler). Malformed HTTP is left to the embedded
 * run: the same local server parses it, whatever the backend.
 */
export function awsPlan(setup: FuzzSetup): Plan {
  const mixed = (properties: readonly Property[]): Generated => ({ arbitrary: fc.oneof(...properties.map((property) => property.generated.arbitrary)), examples: () => [] });
  return {
    runs: setup.settings.awsRuns,
    batch: Math.max(1, Math.ceil(setup.settings.batch / 2)),
    timeoutMs: 30_000,
    properties: (operation) => [{ case: 'valid, limit, hostile-value and hostile-path requests', generated: mixed(categories(setup, operation)) }],
    methods: [{ case: 'every method a path does not document', generated: mixed(methodProperties(setup)) }],
    outside: [{ case: UNMATCHED, generated: randomOnly(unmatchedPathRequests(setup.model)) }],
  };
}
