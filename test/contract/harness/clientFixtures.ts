import { ConveyorClient, type ConveyorClientOptions } from '../../../src/client/index.js';
import type { ContractTarget } from './backends.js';

/** An answer conveyor/client received: its status and when it came. */
export interface SeenAnswer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly at: number;
}

/**
 * conveyor/client on the contract target: its requests go through the
 * harness's fetch (the backend settles first, every answer is checked against
 * docs/openapi.yaml), and each answer is recorded in `seen`.
 *
 * @example
 * const { client, seen } = clientOn(target());
 */
export function clientOn(target: ContractTarget, options: Omit<ConveyorClientOptions, 'url' | 'fetch'> = {}): { client: ConveyorClient; seen: SeenAnswer[] } {
  const seen: SeenAnswer[] = [];
  const recording: typeof fetch = async (input, init) => {
    const response = await target.api.http.fetch(input, init);
    seen.push({ method: init?.method ?? 'GET', path: new URL(String(input)).pathname, status: response.status, at: Date.now() });
    return response;
  };
  return { client: new ConveyorClient({ url: target.api.http.baseUrl, fetch: recording, ...options }), seen };
}

/** Resolves once `condition` holds, checking every 20 ms; fails naming `what` after `timeoutMs`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The `label` of a body made by `labelled` (queueFixtures), from a client's message, whose body is unknown. */
export function labelOfBody(body: unknown): string {
  const label = typeof body === 'object' && body !== null ? (body as { label?: unknown }).label : undefined;
  if (typeof label !== 'string') throw new Error(`body ${JSON.stringify(body)} carries no label`);
  return label;
}
