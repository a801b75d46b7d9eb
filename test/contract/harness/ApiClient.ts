import { assertResponseMatchesSpec, loadOpenApi } from '../../helpers/openapi.js';
import { sendRaw, type RawRequest, type RawResponse } from './rawHttp.js';
import { fetchTransport, type Transport } from './transports.js';

const spec = loadOpenApi();

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as is instead of JSON. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Skip the OpenAPI conformance check (only for requests that are deliberately outside the API). */
  readonly unchecked?: boolean;
}

/**
 * The body of a response answered with one of `statuses` (200 when none are given).
 * Any other answer throws with the server's reply, so a setup step that fails
 * fails the test with the reason instead of a confusing later assertion.
 *
 * @example
 * const { topics } = requireStatus('list topics', await api.listTopics());
 */
export function requireStatus<T>(what: string, response: ApiResponse<T>, ...statuses: number[]): T {
  const expected = statuses.length === 0 ? [200] : statuses;
  if (!expected.includes(response.status)) throw new Error(`${what} answered ${response.status}: ${response.text}`);
  return response.body;
}

/**
 * HTTP client of the contract suite. Every response it receives is checked against
 * docs/openapi.yaml (status documented, body valid), so the whole suite also keeps
 * the document true.
 */
export class ApiClient {
  public constructor(
    public readonly baseUrl: string,
    private readonly token?: string,
    /** Runs before every request: a backend with asynchronous fan-out lets it settle here (see backends.ts). */
    private readonly beforeRequest: () => Promise<void> = async () => undefined,
    private readonly transport: Transport = fetchTransport,
  ) {}

  public withToken(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, token, this.beforeRequest, this.transport);
  }

  /** The same client sending through another transport (see transports.ts). */
  public withTransport(transport: Transport): ApiClient {
    return new ApiClient(this.baseUrl, this.token, this.beforeRequest, transport);
  }

  public async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.token !== undefined) headers['authorization'] ??= `Bearer ${this.token}`;
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    await this.beforeRequest();
    const response = await this.transport(`${this.baseUrl}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = response.text;
    const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
    const body = (isJson && text.length > 0 ? JSON.parse(text) : text) as T;
    if (!options.unchecked) assertResponseMatchesSpec(spec, method, path.split('?')[0]!, response.status, isJson ? body : undefined);
    return { status: response.status, body, text, headers: response.headers };
  }

  /**
   * `fetch` for another HTTP client under test (conveyor/client): it lets the
   * backend settle first and checks every answer against docs/openapi.yaml,
   * as this client's own requests do. A violation is thrown from fetch, so the
   * client under test reports it as a failed request.
   *
   * @example
   * const client = new ConveyorClient({ url: api.http.baseUrl, fetch: api.http.fetch });
   */
  public readonly fetch: typeof fetch = async (input, init) => {
    await this.beforeRequest();
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const text = await response.clone().text();
    const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
    assertResponseMatchesSpec(spec, init?.method ?? 'GET', url.pathname, response.status, isJson && text.length > 0 ? JSON.parse(text) : undefined);
    return response;
  };

  /**
   * Sends a request byte for byte (see rawHttp.ts), after the same settling as every
   * other request, and without the OpenAPI check: the caller decides what to assert.
   *
   * @example
   * const response = await api.http.raw({ method: 'DELETE', target: '//x/v1/topics/victim' });
   */
  public async raw(request: RawRequest, timeoutMs?: number): Promise<RawResponse> {
    const headers: Record<string, string> = {};
    if (this.token !== undefined) headers['authorization'] = `Bearer ${this.token}`;
    await this.beforeRequest();
    return sendRaw(this.baseUrl, { ...request, headers: { ...headers, ...request.headers } }, timeoutMs);
  }

  public get<T = unknown>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  public put<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, { ...options, ...(body === undefined ? {} : { body }) });
  }

  public post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { ...options, ...(body === undefined ? {} : { body }) });
  }

  public patch<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', path, { ...options, ...(body === undefined ? {} : { body }) });
  }

  public delete<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, { ...options, ...(body === undefined ? {} : { body }) });
  }
}
