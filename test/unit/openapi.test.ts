import {
  AckLimits,
  DeadLetterLimits,
  DelayedLimits,
  NAME_PATTERN,
  PublishLimits,
  PullLimits,
  ReadLimits,
  SubscriptionLimits,
  TopicLimits,
} from '../../src/domain/constants.js';
import { ErrorCode } from '../../src/domain/errors.js';
import {
  assertResponseMatchesSpec,
  findOperation,
  listOperations,
  loadOpenApi,
  resolvePointer,
  schemaValidator,
  type OpenApiDocument,
} from '../helpers/openapi.js';

const doc: OpenApiDocument = loadOpenApi();

function schema(name: string): Record<string, unknown> {
  const found = resolvePointer(doc, `#/components/schemas/${name}`);
  if (typeof found !== 'object' || found === null) throw new Error(`no schema ${name}`);
  return found as Record<string, unknown>;
}

function collectRefs(node: unknown, at: string, into: Array<{ at: string; ref: string }>): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => collectRefs(item, `${at}/${index}`, into));
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') into.push({ at, ref: value });
      else collectRefs(value, `${at}/${key}`, into);
    }
  }
}

const topic = {
  name: 'orders',
  partitions: 4,
  retentionHours: 168,
  dedupWindowSeconds: 3600,
  createdAt: '2024-05-01T12:00:00.000Z',
};

const message = {
  id: '01HXYZ',
  topic: 'orders',
  partition: 2,
  offset: 41,
  key: null,
  body: { orderId: 1042 },
  attributes: { type: 'order.created' },
  publishedAt: '2024-05-01T12:00:01.250Z',
};

/** Every operation of API v1, as `METHOD /path/template`. */
const API_V1_OPERATIONS = [
  'GET /v1/topics',
  'PUT /v1/topics/{topic}',
  'GET /v1/topics/{topic}',
  'DELETE /v1/topics/{topic}',
  'POST /v1/topics/{topic}/messages',
  'GET /v1/topics/{topic}/partitions/{partition}/messages',
  'GET /v1/topics/{topic}/groups/{group}',
  'PUT /v1/topics/{topic}/groups/{group}/offsets',
  'GET /v1/topics/{topic}/delayed',
  'DELETE /v1/topics/{topic}/delayed/{id}',
  'GET /v1/topics/{topic}/subscriptions',
  'PUT /v1/topics/{topic}/subscriptions/{subscription}',
  'PATCH /v1/topics/{topic}/subscriptions/{subscription}',
  'GET /v1/topics/{topic}/subscriptions/{subscription}',
  'DELETE /v1/topics/{topic}/subscriptions/{subscription}',
  'POST /v1/topics/{topic}/subscriptions/{subscription}/pull',
  'POST /v1/topics/{topic}/subscriptions/{subscription}/ack',
  'POST /v1/topics/{topic}/subscriptions/{subscription}/nack',
  'POST /v1/topics/{topic}/subscriptions/{subscription}/extend',
  'POST /v1/topics/{topic}/subscriptions/{subscription}/seek',
  'GET /v1/topics/{topic}/subscriptions/{subscription}/dead-letters',
  'DELETE /v1/topics/{topic}/subscriptions/{subscription}/dead-letters',
  'POST /v1/topics/{topic}/subscriptions/{subscription}/dead-letters/redrive',
  'GET /v1/schedules',
  'PUT /v1/schedules/{schedule}',
  'GET /v1/schedules/{schedule}',
  'DELETE /v1/schedules/{schedule}',
  'GET /healthz',
  'GET /metrics',
];

/** `METHOD /path` of an entry of API_V1_OPERATIONS. */
const split = (operation: string): { method: string; path: string } => {
  const [method = '', path = ''] = operation.split(' ');
  return { method, path };
};

describe('docs/openapi.yaml', () => {
  it('parses as an OpenAPI 3.1.0 document with a model description', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Conveyor HTTP API');
    expect(doc.info.description).toMatch(/at.least.once/i);
  });

  it('documents exactly the operations of API v1', () => {
    // Act
    const actual = listOperations(doc).map(({ method, path }) => `${method} ${path}`);

    // Assess
    expect([...actual].sort()).toEqual([...API_V1_OPERATIONS].sort());
  });

  it('gives every operation a unique operationId, a summary, a description and a 2xx response', () => {
    // Act
    const described = API_V1_OPERATIONS.map(split).map(({ method, path }) => {
      const operation = findOperation(doc, method, path)?.operation;
      return {
        op: `${method} ${path}`,
        operationId: operation?.operationId,
        summary: operation?.summary,
        description: operation?.description,
        hasSuccessResponse: Object.keys(operation?.responses ?? {}).some((status) => /^2\d\d$/.test(status)),
      };
    });

    // Assess
    expect(described).toEqual(
      API_V1_OPERATIONS.map((op) => ({
        op,
        operationId: expect.stringMatching(/^[a-z][A-Za-z]+$/),
        summary: expect.stringMatching(/\S/),
        description: expect.stringMatching(/\S/),
        hasSuccessResponse: true,
      })),
    );
    expect(new Set(described.map((operation) => operation.operationId)).size).toBe(API_V1_OPERATIONS.length);
  });

  it('resolves every $ref', () => {
    // Prepare
    const refs: Array<{ at: string; ref: string }> = [];
    collectRefs(doc, '#', refs);

    // Act
    const unresolved = refs.filter(({ ref }) => resolvePointer(doc, ref) === undefined);

    // Assess
    expect(refs.length).toBeGreaterThan(50);
    expect(unresolved).toEqual([]);
  });

  it('declares every {param} of a path template as a required path parameter', () => {
    // Prepare
    const problems: string[] = [];
    const checked = new Set<string>();

    // Act
    for (const [template, item] of Object.entries(doc.paths)) {
      const declared = (item.parameters ?? [])
        .map((parameter) => {
          const ref = (parameter as { $ref?: unknown }).$ref;
          return (typeof ref === 'string' ? resolvePointer(doc, ref) : parameter) as { name?: string; in?: string; required?: boolean };
        })
        .filter((parameter) => parameter.in === 'path' && parameter.required === true)
        .map((parameter) => parameter.name);
      for (const [, name] of template.matchAll(/\{([^}]+)\}/g)) {
        checked.add(name ?? '');
        if (!declared.includes(name)) problems.push(`${template}: ${name ?? ''}`);
      }
    }

    // Assess
    expect([...checked].sort()).toEqual(['group', 'id', 'partition', 'schedule', 'subscription', 'topic']);
    expect(problems).toEqual([]);
  });

  it('requires bearer auth globally but not on /healthz, and documents 401, 500 and 503 on every authenticated operation', () => {
    // Prepare
    const missing: string[] = [];

    // Act
    for (const { method, path } of API_V1_OPERATIONS.map(split)) {
      const operation = findOperation(doc, method, path)?.operation;
      const statuses = Object.keys(operation?.responses ?? {});
      const required = path === '/healthz' ? ['500', '503'] : ['401', '500', '503'];
      for (const status of required) if (!statuses.includes(status)) missing.push(`${method} ${path} ${status}`);
    }

    // Assess
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(findOperation(doc, 'GET', '/healthz')?.operation.security).toEqual([]);
    expect(missing).toEqual([]);
  });

  it('closes every request body schema with additionalProperties: false and documents 415 and 413 for it', () => {
    // Prepare
    const problems: string[] = [];
    const withBody: string[] = [];

    // Act
    for (const { method, path } of API_V1_OPERATIONS.map(split)) {
      const operation = findOperation(doc, method, path)?.operation;
      if (operation?.requestBody === undefined) continue;
      withBody.push(`${method} ${path}`);
      const bodySchema = resolvePointer(operation.requestBody, '/content/application~1json/schema');
      const ref = typeof bodySchema === 'object' && bodySchema !== null ? (bodySchema as { $ref?: unknown }).$ref : undefined;
      const resolved = typeof ref === 'string' ? resolvePointer(doc, ref) : bodySchema;
      if ((resolved as { additionalProperties?: unknown } | undefined)?.additionalProperties !== false) {
        problems.push(`${method} ${path}: additionalProperties`);
      }
      for (const status of ['413', '415']) {
        if (operation.responses?.[status] === undefined) problems.push(`${method} ${path}: ${status}`);
      }
    }

    // Assess: every PUT, PATCH and POST takes a body, and so does DELETE of dead letters (which ids)
    expect(withBody).toEqual(
      API_V1_OPERATIONS.filter((op) => /^(PUT|PATCH|POST) /.test(op) || op === 'DELETE /v1/topics/{topic}/subscriptions/{subscription}/dead-letters'),
    );
    expect(problems).toEqual([]);
  });

  it('states the same name pattern and error codes as src/domain', () => {
    expect(schema('Name')['pattern']).toBe(NAME_PATTERN.source);
    expect([...(schema('ErrorCode')['enum'] as string[])].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  const range = (limits: { min: number; max: number; default?: number }) => ({
    minimum: limits.min,
    maximum: limits.max,
    ...(limits.default === undefined ? {} : { default: limits.default }),
  });
  const { retryBackoffSeconds: backoff } = SubscriptionLimits;

  it.each([
    { case: 'topic partitions', pointer: 'schemas/TopicSettingsInput/properties/partitions', expected: range(TopicLimits.partitions) },
    { case: 'topic retentionHours', pointer: 'schemas/TopicSettingsInput/properties/retentionHours', expected: range(TopicLimits.retentionHours) },
    { case: 'topic dedupWindowSeconds', pointer: 'schemas/TopicSettingsInput/properties/dedupWindowSeconds', expected: range(TopicLimits.dedupWindowSeconds) },
    { case: 'messages per publish', pointer: 'schemas/PublishRequest/properties/messages', expected: { minItems: PublishLimits.messagesPerRequest.min, maxItems: PublishLimits.messagesPerRequest.max } },
    { case: 'message key length', pointer: 'schemas/OutgoingMessage/properties/key', expected: { maxLength: PublishLimits.keyLength } },
    { case: 'message id length', pointer: 'schemas/OutgoingMessage/properties/id', expected: { maxLength: PublishLimits.idLength } },
    { case: 'attributes per message', pointer: 'schemas/Attributes', expected: { maxProperties: PublishLimits.attributes } },
    { case: 'delaySeconds', pointer: 'schemas/OutgoingMessage/properties/delaySeconds', expected: range(PublishLimits.delaySeconds) },
    { case: 'ackDeadlineSeconds', pointer: 'schemas/SubscriptionSettingsInput/properties/ackDeadlineSeconds', expected: range(SubscriptionLimits.ackDeadlineSeconds) },
    { case: 'maxDeliveries', pointer: 'schemas/SubscriptionSettingsInput/properties/maxDeliveries', expected: range(SubscriptionLimits.maxDeliveries) },
    { case: 'changed ackDeadlineSeconds', pointer: 'schemas/SubscriptionChangesInput/properties/ackDeadlineSeconds', expected: { minimum: SubscriptionLimits.ackDeadlineSeconds.min, maximum: SubscriptionLimits.ackDeadlineSeconds.max } },
    { case: 'changed maxDeliveries', pointer: 'schemas/SubscriptionChangesInput/properties/maxDeliveries', expected: { minimum: SubscriptionLimits.maxDeliveries.min, maximum: SubscriptionLimits.maxDeliveries.max } },
    { case: 'retry backoff minSeconds', pointer: 'schemas/RetryBackoffInput/properties/minSeconds', expected: range({ ...backoff, default: backoff.defaultMin }) },
    { case: 'retry backoff maxSeconds', pointer: 'schemas/RetryBackoffInput/properties/maxSeconds', expected: range({ ...backoff, default: backoff.defaultMax }) },
    { case: 'pull max', pointer: 'schemas/PullRequest/properties/max', expected: range(PullLimits.max) },
    { case: 'pull waitSeconds', pointer: 'schemas/PullRequest/properties/waitSeconds', expected: range(PullLimits.waitSeconds) },
    { case: 'read limit', pointer: 'parameters/ReadLimit/schema', expected: range(ReadLimits.limit) },
    { case: 'dead-letter limit', pointer: 'parameters/DeadLetterLimit/schema', expected: range(DeadLetterLimits.limit) },
    { case: 'delayed listing limit', pointer: 'parameters/DelayedLimit/schema', expected: range(DelayedLimits.limit) },
    { case: 'cursor length', pointer: 'parameters/Cursor/schema', expected: { maxLength: DelayedLimits.cursorLength } },
    { case: 'ack ids per request', pointer: 'schemas/AckIds', expected: { minItems: AckLimits.ackIds.min, maxItems: AckLimits.ackIds.max } },
    { case: 'extend seconds', pointer: 'schemas/ExtendRequest/properties/seconds', expected: range(AckLimits.extendSeconds) },
    { case: 'nack delaySeconds', pointer: 'schemas/NackRequest/properties/delaySeconds', expected: range(AckLimits.nackDelaySeconds) },
    { case: 'nack reason length', pointer: 'schemas/NackRequest/properties/reason', expected: { maxLength: AckLimits.reasonLength } },
  ])('states the $case limit as src/domain does', ({ pointer, expected }) => {
    expect(resolvePointer(doc, `#/components/${pointer}`)).toMatchObject(expected);
  });
});

describe('Function: findOperation', () => {
  it('matches concrete paths to their templates and ignores the query string', () => {
    // Act
    const pull = findOperation(doc, 'post', '/v1/topics/abc/subscriptions/x/pull');
    const redrive = findOperation(doc, 'POST', '/v1/topics/abc/subscriptions/x/dead-letters/redrive');
    const read = findOperation(doc, 'GET', '/v1/topics/abc/partitions/3/messages?fromOffset=10&limit=5');
    const unmatched = [
      findOperation(doc, 'PATCH', '/v1/topics/abc'),
      findOperation(doc, 'GET', '/v2/topics'),
      findOperation(doc, 'GET', '/v1/topics/abc/extra/segments'),
    ];

    // Assess
    expect(pull?.pathTemplate).toBe('/v1/topics/{topic}/subscriptions/{subscription}/pull');
    expect(redrive?.operation.operationId).toBe('redriveDeadLetters');
    expect(read?.operation.operationId).toBe('readMessages');
    expect(unmatched).toEqual([null, null, null]);
  });
});

describe('Function: assertResponseMatchesSpec', () => {
  it('accepts a valid Topic response', () => {
    // Prepare
    const described = { ...topic, stats: { partitions: [{ partition: 0, oldestOffset: 0, nextOffset: 12 }], delayed: 3 } };

    // Act
    const checks = [
      (): void => assertResponseMatchesSpec(doc, 'PUT', '/v1/topics/orders', 201, topic),
      (): void => assertResponseMatchesSpec(doc, 'PUT', '/v1/topics/orders', 200, topic),
      (): void => assertResponseMatchesSpec(doc, 'GET', '/v1/topics/orders', 200, described),
    ];

    // Assess
    for (const check of checks) expect(check).not.toThrow();
  });

  it('rejects a Topic response without createdAt, with a readable message', () => {
    // Prepare
    const { createdAt: _omitted, ...withoutCreatedAt } = topic;

    // Act
    const act = (): void => assertResponseMatchesSpec(doc, 'PUT', '/v1/topics/orders', 201, withoutCreatedAt);

    // Assess
    expect(act).toThrow(/PUT \/v1\/topics\/orders → 201[\s\S]*createdAt/);
  });

  it('rejects a Topic response with a createdAt that is not an RFC 3339 date-time', () => {
    expect(() =>
      assertResponseMatchesSpec(doc, 'GET', '/v1/topics', 200, { topics: [{ ...topic, createdAt: 'yesterday' }] }),
    ).toThrow(/date-time/);
  });

  it('validates error bodies against the error schema and the documented code', () => {
    // Prepare
    const topicNotFound = { error: { code: 'TopicNotFound', message: 'topic "orders" does not exist' } };

    // Act
    const valid = (): void => assertResponseMatchesSpec(doc, 'DELETE', '/v1/topics/orders', 404, topicNotFound);
    const wrongCode = (): void =>
      assertResponseMatchesSpec(doc, 'DELETE', '/v1/topics/orders', 404, { error: { code: 'Oops', message: 'x' } });
    const noMessage = (): void =>
      assertResponseMatchesSpec(doc, 'DELETE', '/v1/topics/orders', 404, { error: { code: 'TopicNotFound' } });

    // Assess
    expect(valid).not.toThrow();
    expect(wrongCode).toThrow(/does not match/);
    expect(noMessage).toThrow(/message/);
    expect(schemaValidator(doc, '/components/schemas/Error')(topicNotFound)).toBe(true);
  });

  it('rejects a status that is not documented for the operation, naming the status and the operation', () => {
    // Act
    const teapot = (): void => assertResponseMatchesSpec(doc, 'GET', '/v1/topics', 418, { error: { code: 'Internal', message: 'x' } });
    const conflict = (): void => assertResponseMatchesSpec(doc, 'GET', '/v1/topics', 409, { error: { code: 'Conflict', message: 'x' } });

    // Assess
    expect(teapot).toThrow(/status 418 is not documented/);
    expect(conflict).toThrow(/listTopics/);
  });

  it('accepts 204 without a body and rejects 204 with one', () => {
    expect(() => assertResponseMatchesSpec(doc, 'DELETE', '/v1/schedules/nightly', 204, undefined)).not.toThrow();
    expect(() => assertResponseMatchesSpec(doc, 'DELETE', '/v1/schedules/nightly', 204, '')).not.toThrow();
    expect(() => assertResponseMatchesSpec(doc, 'DELETE', '/v1/schedules/nightly', 204, { deleted: true })).toThrow(/no body/);
  });

  it('checks the status but not the body of text/plain responses', () => {
    expect(() => assertResponseMatchesSpec(doc, 'GET', '/metrics', 200, '# HELP x\nx 1\n')).not.toThrow();
    expect(() => assertResponseMatchesSpec(doc, 'GET', '/metrics', 404, '')).toThrow(/not documented/);
  });

  it('accepts both kinds of PublishResult and rejects one that is neither', () => {
    // Prepare
    const path = '/v1/topics/orders/messages';
    const immediate = { id: 'a', partition: 1, offset: 7, duplicate: false };
    const delayed = { id: 'b', scheduledFor: '2024-05-01T13:00:00.000Z', duplicate: true };

    // Act
    const good = (): void => assertResponseMatchesSpec(doc, 'POST', path, 200, { results: [immediate, delayed] });
    const bad = (): void => assertResponseMatchesSpec(doc, 'POST', path, 200, { results: [{ id: 'c', duplicate: false }] });

    // Assess
    expect(good).not.toThrow();
    expect(bad).toThrow(/does not match/);
  });

  it('accepts deliveries, dead letters, group state and schedules with nullable fields', () => {
    // Prepare
    const sub = '/v1/topics/orders/subscriptions/billing';
    const delivery = { ...message, ackId: 'ack-1', deliveryAttempt: 1, leaseSeconds: 30 };
    const deadLetter = { ...message, deliveryAttempt: 5, deadLetteredAt: '2024-05-01T12:10:00.000Z', lastError: null };
    const group = {
      topic: 'orders',
      group: 'audit',
      partitions: [{ partition: 0, committedOffset: null, nextOffset: 3, lag: 3 }],
    };
    const scheduleBody = {
      name: 'nightly',
      topic: 'orders',
      cron: '0 2 * * *',
      timezone: 'UTC',
      message: { body: { kind: 'nightly' } },
      createdAt: '2024-05-01T12:00:00.000Z',
      nextFireAt: '2024-05-02T02:00:00.000Z',
      lastFiredAt: null,
    };

    // Act
    const checks = [
      (): void => assertResponseMatchesSpec(doc, 'POST', `${sub}/pull`, 200, { messages: [delivery] }),
      (): void => assertResponseMatchesSpec(doc, 'GET', `${sub}/dead-letters?limit=5`, 200, { messages: [deadLetter] }),
      (): void => assertResponseMatchesSpec(doc, 'GET', '/v1/topics/orders/groups/audit', 200, group),
      (): void => assertResponseMatchesSpec(doc, 'PUT', '/v1/schedules/nightly', 201, scheduleBody),
      (): void =>
        assertResponseMatchesSpec(doc, 'POST', `${sub}/ack`, 200, {
          acked: 1,
          notAcked: 1,
          failed: [{ ackId: 'ack-2', code: 'LeaseExpired' }],
        }),
    ];

    // Assess
    for (const check of checks) expect(check).not.toThrow();
    expect(() => assertResponseMatchesSpec(doc, 'POST', `${sub}/pull`, 200, { messages: [{ ...delivery, deliveryAttempt: 0 }] })).toThrow(
      /deliveryAttempt/,
    );
    const { leaseSeconds: _leaseSeconds, ...withoutLease } = delivery;
    expect(() => assertResponseMatchesSpec(doc, 'POST', `${sub}/pull`, 200, { messages: [withoutLease] })).toThrow(/leaseSeconds/);
  });

  it('accepts 404 NotFound for unknown paths and 405 MethodNotAllowed for known paths only', () => {
    // Act
    const unknownPath = (): void => assertResponseMatchesSpec(doc, 'GET', '/v2/nothing', 404, { error: { code: 'NotFound', message: 'no route' } });
    const unknownMethod = (): void =>
      assertResponseMatchesSpec(doc, 'PATCH', '/v1/topics/orders', 405, { error: { code: 'MethodNotAllowed', message: 'PATCH not allowed' } });
    const unknownMethodAnswered = (): void => assertResponseMatchesSpec(doc, 'PATCH', '/v1/topics/orders', 200, {});
    const unknownPathWrongCode = (): void => assertResponseMatchesSpec(doc, 'GET', '/v2/nothing', 404, { error: { code: 'TopicNotFound', message: 'x' } });

    // Assess
    expect(unknownPath).not.toThrow();
    expect(unknownMethod).not.toThrow();
    expect(unknownMethodAnswered).toThrow(/no PATCH operation/);
    expect(unknownPathWrongCode).toThrow(/does not match/);
  });
});

describe('Function: schemaValidator', () => {
  it('rejects request-shaped mistakes in request body schemas', () => {
    // Prepare
    const publish = schemaValidator(doc, '/components/schemas/PublishRequest');
    const putTopic = schemaValidator(doc, '/components/schemas/TopicSettingsInput');

    // Act
    const bothDelays = publish({ messages: [{ body: 1, delaySeconds: 5, deliverAt: '2024-05-01T12:00:00Z' }] });
    const noBody = publish({ messages: [{ key: 'k' }] });
    const nullBody = publish({ messages: [{ body: null }] });
    const unknownField = putTopic({ partitions: 2, replicas: 3 });

    // Assess
    expect(bothDelays).toBe(false);
    expect(noBody).toBe(false);
    expect(nullBody).toBe(true);
    expect(unknownField).toBe(false);
  });
});
