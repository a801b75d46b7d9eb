/** A request the client sent, as the fake fetch saw it. */
export interface SentRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  readonly at: number;
}

/** What the fake answers: a response, or an error thrown as fetch throws when nothing answers. */
export type FakeAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | { networkError: string };

export interface FakeFetch {
  readonly fetch: typeof fetch;
  readonly sent: SentRequest[];
}

/** JSON answer of `status`. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeAnswer => ({ status, body, headers });

/** The API's error answer. */
export const apiError = (status: number, code: string, message: string, headers: Record<string, string> = {}): FakeAnswer => ({ status, body: { error: { code, message } }, headers });

/**
 * A fetch that records every request and answers from `answers` in turn
 * (the last one again when they run out), so a spec sees exactly what the
 * client sent and how often.
 *
 * @example
 * const fake = fakeFetch(apiError(503, 'Unavailable', 'restarting'), json(200, { topics: [] }));
 * const client = new ConveyorClient({ url: 'http://conveyor.test', fetch: fake.fetch });
 */
export function fakeFetch(...answers: FakeAnswer[]): FakeFetch {
  const sent: SentRequest[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    sent.push({ url: String(input), method: init?.method ?? 'GET', headers, body: typeof init?.body === 'string' ? init.body : undefined, at: Date.now() });
    const answer = answers[Math.min(sent.length - 1, answers.length - 1)]!;
    if ('networkError' in answer) throw new TypeError('fetch failed', { cause: new Error(answer.networkError) });
    const text = answer.body === undefined ? null : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const contentType = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
    const response = new Response(text, { status: answer.status, headers: { ...(text === null ? {} : { 'content-type': contentType }), ...answer.headers } });
    // As fetch's own responses do, the response knows its URL.
    Object.defineProperty(response, 'url', { value: String(input) });
    return response;
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}
