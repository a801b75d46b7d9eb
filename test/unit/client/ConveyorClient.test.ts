import { ConveyorClient, ConveyorError } from '../../../src/client/index.js';
import { apiError, fakeFetch, json, type FakeAnswer } from './fakeFetch.js';

const URL_ = 'http://conveyor.test:8080/';
const TOPIC = { name: 'orders', partitions: 4, retentionHours: 168, dedupWindowSeconds: 3600, createdAt: '2024-05-01T12:00:00.000Z' };
const FAST = { baseDelayMs: 1, maxDelayMs: 5_000 };

/** A client over a fake fetch answering `answers` in turn. */
function clientAnswering(...answers: FakeAnswer[]): { client: ConveyorClient; sent: ReturnType<typeof fakeFetch>['sent'] } {
  const fake = fakeFetch(...answers);
  return { client: new ConveyorClient({ url: URL_, token: 'secret-token-0123456789', fetch: fake.fetch, retry: FAST }), sent: fake.sent };
}

/** The error an operation threw, or a failure when it did not throw. */
async function thrown(operation: Promise<unknown>): Promise<ConveyorError> {
  try {
    await operation;
  } catch (error) {
    if (error instanceof ConveyorError) return error;
    throw error;
  }
  throw new Error('expected the operation to throw a ConveyorError');
}

describe('Class: ConveyorClient', () => {
  describe('Requests', () => {
    it('sends the bearer token, its user agent and a JSON body to the path of the operation, with names encoded', async () => {
      // Prepare
      const { client, sent } = clientAnswering(json(201, TOPIC));

      // Act
      const topic = await client.putTopic('orders', { partitions: 4 });

      // Assess
      expect(topic).toEqual(TOPIC);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ url: 'http://conveyor.test:8080/v1/topics/orders', method: 'PUT', body: '{"partitions":4}' });
      expect(Object.fromEntries(sent[0]!.headers)).toMatchObject({ authorization: 'Bearer secret-token-0123456789', 'content-type': 'application/json', 'user-agent': 'conveyor-client' });
    });

    it('publishes a single message as a batch of one', async () => {
      // Prepare
      const { client, sent } = clientAnswering(json(200, { results: [{ id: 'a', partition: 0, offset: 0, duplicate: false }] }));

      // Act
      const response = await client.publish('orders', { id: 'a', body: { total: 1 } });

      // Assess
      expect(response.results).toEqual([{ id: 'a', partition: 0, offset: 0, duplicate: false }]);
      expect(JSON.parse(sent[0]!.body!)).toEqual({ messages: [{ id: 'a', body: { total: 1 } }] });
    });

    it('changes a subscription with a PATCH of the changes alone', async () => {
      // Prepare
      const { client, sent } = clientAnswering(json(200, { name: 'billing' }));

      // Act
      await client.updateSubscription('orders', 'billing', { maxDeliveries: 3 });

      // Assess
      expect(sent[0]).toMatchObject({ url: 'http://conveyor.test:8080/v1/topics/orders/subscriptions/billing', method: 'PATCH', body: '{"maxDeliveries":3}' });
    });

    it('lists delayed messages a page at a time and cancels one by its id, encoded as a path segment', async () => {
      // Prepare
      const { client, sent } = clientAnswering(json(200, { messages: [], nextCursor: null }), { status: 204 });

      // Act
      await client.listDelayed('orders', { limit: 5, cursor: 'c1' });
      await client.cancelDelayed('orders', 'order/1001');

      // Assess
      expect(sent.map((request) => `${request.method} ${request.url}`)).toEqual([
        'GET http://conveyor.test:8080/v1/topics/orders/delayed?limit=5&cursor=c1',
        'DELETE http://conveyor.test:8080/v1/topics/orders/delayed/order%2F1001',
      ]);
    });

    it('puts read queries in the query string', async () => {
      // Prepare
      const { client, sent } = clientAnswering(json(200, { messages: [], nextOffset: 7 }));

      // Act
      await client.readMessages('orders', 3, { fromOffset: 7, limit: 50 });

      // Assess
      expect(sent[0]!.url).toBe('http://conveyor.test:8080/v1/topics/orders/partitions/3/messages?fromOffset=7&limit=50');
    });

    it('answers nothing for a delete (204) and the text of /metrics', async () => {
      // Prepare
      const { client } = clientAnswering({ status: 204 }, { status: 200, body: '# HELP conveyor_messages_published_total\n' });

      // Act
      const deleted = await client.deleteTopic('orders');
      const metrics = await client.metrics();

      // Assess
      expect(deleted).toBeUndefined();
      expect(metrics).toBe('# HELP conveyor_messages_published_total\n');
    });
  });

  describe('Errors', () => {
    it.each([
      { case: 'a 404 carries the code and message of the error body', answer: apiError(404, 'TopicNotFound', 'topic "ordres" does not exist'), expected: { status: 404, code: 'TopicNotFound', message: 'topic "ordres" does not exist' } },
      { case: 'a 400 carries the code and message of the error body', answer: apiError(400, 'InvalidName', 'topic name must match …'), expected: { status: 400, code: 'InvalidName', message: 'topic name must match …' } },
      { case: "API Gateway's own answer gets the code of its status", answer: json(403, { message: 'Forbidden' }), expected: { status: 403, code: 'Forbidden', message: 'Forbidden' } },
      { case: 'a page that is not JSON gets the code of its status and its text', answer: { status: 502, body: '<html>Bad Gateway</html>' }, expected: { status: 502, code: 'Internal', message: '<html>Bad Gateway</html>' } },
    ])('$case', async ({ answer, expected }) => {
      // Prepare
      const { client } = clientAnswering(answer);

      // Act
      const error = await thrown(client.getTopic('ordres'));

      // Assess
      expect({ status: error.status, code: error.code, message: error.message }).toEqual(expected);
      expect({ name: error.name, request: error.request }).toEqual({ name: 'ConveyorError', request: 'GET /v1/topics/ordres' });
    });

    it('reports a request that got no answer as NetworkError with status 0', async () => {
      // Prepare
      const { client, sent } = clientAnswering({ networkError: 'connect ECONNREFUSED 127.0.0.1:8080' });

      // Act
      const error = await thrown(client.pull('orders', 'billing'));

      // Assess
      expect({ status: error.status, code: error.code, request: error.request }).toEqual({ status: 0, code: 'NetworkError', request: 'POST /v1/topics/orders/subscriptions/billing/pull' });
      expect(error.message).toBe('no answer from http://conveyor.test:8080: connect ECONNREFUSED 127.0.0.1:8080');
      expect(sent).toHaveLength(1);
    });
  });

  describe('Retries', () => {
    it('sends a request answered 503 again until it passes', async () => {
      // Prepare
      const { client, sent } = clientAnswering(apiError(503, 'Unavailable', 'shutting down'), apiError(503, 'Unavailable', 'shutting down'), json(200, { topics: [] }));

      // Act
      const list = await client.listTopics();

      // Assess
      expect(list).toEqual({ topics: [] });
      expect(sent).toHaveLength(3);
    });

    it('stops after maxAttempts and throws the last answer', async () => {
      // Prepare
      const fake = fakeFetch(apiError(503, 'Unavailable', 'shutting down'));
      const client = new ConveyorClient({ url: URL_, fetch: fake.fetch, retry: { ...FAST, maxAttempts: 3 } });

      // Act
      const error = await thrown(client.listTopics());

      // Assess
      expect({ status: error.status, code: error.code }).toEqual({ status: 503, code: 'Unavailable' });
      expect(fake.sent).toHaveLength(3);
    });

    it('waits the seconds of Retry-After before retrying a 429', async () => {
      // Prepare
      const { client, sent } = clientAnswering(apiError(429, 'RateLimited', 'over the limit', { 'retry-after': '1' }), json(200, { topics: [] }));

      // Act
      await client.listTopics();

      // Assess
      expect(sent).toHaveLength(2);
      expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(1000);
    });

    it('throws at once, with retryAfterSeconds, when Retry-After asks for longer than maxDelayMs', async () => {
      // Prepare
      const fake = fakeFetch(apiError(429, 'RateLimited', 'over the limit', { 'retry-after': '30' }));
      const client = new ConveyorClient({ url: URL_, fetch: fake.fetch, retry: { maxDelayMs: 1000 } });

      // Act
      const error = await thrown(client.listTopics());

      // Assess
      expect({ status: error.status, code: error.code, retryAfterSeconds: error.retryAfterSeconds }).toEqual({ status: 429, code: 'RateLimited', retryAfterSeconds: 30 });
      expect(fake.sent).toHaveLength(1);
    });

    it('does not retry other errors', async () => {
      // Prepare
      const { client, sent } = clientAnswering(apiError(500, 'Internal', 'boom'), json(200, { topics: [] }));

      // Act
      const error = await thrown(client.listTopics());

      // Assess
      expect(error.code).toBe('Internal');
      expect(sent).toHaveLength(1);
    });

    /** One call of each kind of request, and whether it is safe to send again after it may have been done. */
    const REQUESTS = [
      { case: 'a GET', call: (client: ConveyorClient) => client.getSubscription('orders', 'billing'), repeatable: true },
      { case: 'a PUT', call: (client: ConveyorClient) => client.putSubscription('orders', 'billing'), repeatable: true },
      { case: 'a DELETE', call: (client: ConveyorClient) => client.deleteSchedule('nightly'), repeatable: true },
      { case: 'a PATCH', call: (client: ConveyorClient) => client.updateSubscription('orders', 'billing', { ackDeadlineSeconds: 10 }), repeatable: true },
      { case: 'a publish whose every message has an id', call: (client: ConveyorClient) => client.publish('orders', [{ id: 'a', body: 1 }, { id: 'b', body: 2 }]), repeatable: true },
      { case: 'an ack', call: (client: ConveyorClient) => client.ack('orders', 'billing', ['x']), repeatable: true },
      { case: 'an extend', call: (client: ConveyorClient) => client.extend('orders', 'billing', { ackIds: ['x'], seconds: 30 }), repeatable: true },
      { case: 'a publish with a message without id', call: (client: ConveyorClient) => client.publish('orders', [{ id: 'a', body: 1 }, { body: 2 }]), repeatable: false },
      { case: 'a pull', call: (client: ConveyorClient) => client.pull('orders', 'billing', { max: 1 }), repeatable: false },
      { case: 'a nack', call: (client: ConveyorClient) => client.nack('orders', 'billing', { ackIds: ['x'] }), repeatable: false },
      { case: 'a seek', call: (client: ConveyorClient) => client.seek('orders', 'billing', { time: '2024-05-01T12:00:00.000Z' }), repeatable: false },
      { case: 'a redrive', call: (client: ConveyorClient) => client.redriveDeadLetters('orders', 'billing'), repeatable: false },
      { case: 'a commit of group offsets', call: (client: ConveyorClient) => client.commitGroupOffsets('orders', 'audit', { offsets: [{ partition: 0, offset: 5 }] }), repeatable: false },
    ];

    it.each(REQUESTS)('after no answer, $case is sent again only when repeatable ($repeatable)', async ({ call, repeatable }) => {
      // Prepare
      const { client, sent } = clientAnswering({ networkError: 'socket hang up' }, { status: 200, body: {} });

      // Act
      const outcome = await call(client).catch((error: unknown) => error);

      // Assess
      expect(sent).toHaveLength(repeatable ? 2 : 1);
      if (!repeatable) expect(outcome).toMatchObject({ code: 'NetworkError', status: 0 });
    });

    it.each(REQUESTS)('after a 503, which may follow work done in part, $case is sent again only when repeatable ($repeatable)', async ({ call, repeatable }) => {
      // Prepare
      const { client, sent } = clientAnswering(apiError(503, 'Unavailable', 'partly appended'), { status: 200, body: {} });

      // Act
      const outcome = await call(client).catch((error: unknown) => error);

      // Assess
      expect(sent).toHaveLength(repeatable ? 2 : 1);
      if (!repeatable) expect(outcome).toMatchObject({ code: 'Unavailable', status: 503 });
    });

    it.each(REQUESTS)('after a 429, refused before any work, $case is sent again', async ({ call }) => {
      // Prepare
      const { client, sent } = clientAnswering(apiError(429, 'RateLimited', 'over the limit'), { status: 200, body: {} });

      // Act
      await call(client).catch((error: unknown) => error);

      // Assess
      expect(sent).toHaveLength(2);
    });
  });

  describe('Options', () => {
    it.each([
      { case: 'a URL that is not absolute', options: { url: '/v1' }, message: /url must be an absolute http\(s\) URL, but "\/v1" was provided/ },
      { case: 'a URL that is not http', options: { url: 'localhost:8080' }, message: /url must be an absolute http\(s\) URL, but "localhost:8080" was provided/ },
      { case: 'a token with SigV4', options: { url: URL_, token: 'secret-token-0123456789', aws: true as const }, message: /token and aws are exclusive/ },
      { case: 'retry attempts out of range', options: { url: URL_, retry: { maxAttempts: 0 } }, message: /retry.maxAttempts must be an integer between 1 and 100, but 0 was provided/ },
    ])('refuses $case', ({ options, message }) => {
      // Act
      const construct = (): ConveyorClient => new ConveyorClient(options);

      // Assess
      expect(construct).toThrow(message);
    });
  });
});
