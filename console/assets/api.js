// The console's only way to the broker: the same HTTP API as any other client
// (docs/openapi.yaml), with the user's token. The server's grants decide what
// each call may do; a 401 or 403 comes back as an ApiError with the server's
// own message.

import { readToken } from './token.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /** "403 Forbidden: reader lacks the grant …", as shown to people. */
  describe() {
    return `${this.status} ${this.code}: ${this.message}`;
  }
}

/** Fired on window for every 401, so the token field can ask for a token. */
export const UNAUTHORIZED_EVENT = 'conveyor:unauthorized';

const segment = (name) => encodeURIComponent(name);

function queryString(query) {
  const entries = Object.entries(query ?? {}).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([name, value]) => [name, String(value)]))}`;
}

async function errorOf(response) {
  try {
    const body = await response.json();
    if (body?.error?.code) return new ApiError(response.status, body.error.code, body.error.message ?? '');
  } catch {
    // not the API's JSON error: fall through
  }
  return new ApiError(response.status, response.statusText || 'Error', `the server answered ${response.status}`);
}

/**
 * Calls one API operation. JSON in, JSON out; `text: true` reads the body as
 * text (the Prometheus exposition). Throws ApiError for every non-2xx answer
 * and for network failures (status 0).
 */
export async function request(method, path, { body, query, text = false } = {}) {
  const headers = { accept: text ? 'text/plain' : 'application/json' };
  const token = readToken();
  if (token !== '') headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(`${path}${queryString(query)}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (error) {
    throw new ApiError(0, 'NetworkError', `the server could not be reached (${error.message})`);
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: error }));
    throw error;
  }
  if (response.status === 204) return null;
  return text ? response.text() : response.json();
}

const topicPath = (topic) => `/v1/topics/${segment(topic)}`;
const subscriptionPath = (topic, name) => `${topicPath(topic)}/subscriptions/${segment(name)}`;

/** One function per operation the console uses, named as in docs/openapi.yaml. */
export const api = {
  listTopics: () => request('GET', '/v1/topics'),
  getTopic: (topic) => request('GET', topicPath(topic)),
  putTopic: (topic, settings) => request('PUT', topicPath(topic), { body: settings }),
  deleteTopic: (topic) => request('DELETE', topicPath(topic)),
  publishMessages: (topic, messages) => request('POST', `${topicPath(topic)}/messages`, { body: { messages } }),
  readMessages: (topic, partition, query) => request('GET', `${topicPath(topic)}/partitions/${partition}/messages`, { query }),
  listSubscriptions: (topic) => request('GET', `${topicPath(topic)}/subscriptions`),
  putSubscription: (topic, name, settings) => request('PUT', subscriptionPath(topic, name), { body: settings }),
  deleteSubscription: (topic, name) => request('DELETE', subscriptionPath(topic, name)),
  listDeadLetters: (topic, name, limit = 100) => request('GET', `${subscriptionPath(topic, name)}/dead-letters`, { query: { limit } }),
  redriveDeadLetters: (topic, name, ids) => request('POST', `${subscriptionPath(topic, name)}/dead-letters/redrive`, { body: ids === undefined ? {} : { ids } }),
  deleteDeadLetters: (topic, name, ids) => request('DELETE', `${subscriptionPath(topic, name)}/dead-letters`, { body: ids === undefined ? {} : { ids } }),
  listDelayed: (topic, limit = 100) => request('GET', `${topicPath(topic)}/delayed`, { query: { limit } }),
  cancelDelayed: (topic, id) => request('DELETE', `${topicPath(topic)}/delayed/${segment(id)}`),
  listSchedules: () => request('GET', '/v1/schedules'),
  deleteSchedule: (name) => request('DELETE', `/v1/schedules/${segment(name)}`),
  metrics: () => request('GET', '/metrics', { text: true }),
};

/** The error's text for people, whatever was thrown. */
export const describeError = (error) => (error instanceof ApiError ? error.describe() : String(error?.message ?? error));
