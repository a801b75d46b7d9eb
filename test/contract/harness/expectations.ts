import type { ApiResponse } from './ApiClient.js';
import type { Conveyor } from './Conveyor.js';
import { captureSnapshot, type GroupRef } from './snapshot.js';

/**
 * Asserts the documented error shape: the status, `{"error":{"code","message"}}` as JSON
 * with nothing else at the top level, and a message naming each of `mentions`.
 */
export function expectApiError(response: ApiResponse<unknown>, status: number, code: string, mentions: readonly string[] = []): void {
  expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { error: { code } } });
  expect(response.headers.get('content-type') ?? '').toContain('application/json');
  const body = response.body as { error: { message: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  const message = String(body.error.message);
  expect(message.trim()).not.toBe('');
  for (const text of mentions) expect(message).toContain(text);
}

/**
 * Sends a request that must be rejected and asserts that everything observable
 * through the API is exactly as it was before.
 */
export async function expectRejectedWithoutChange(
  api: Conveyor,
  send: (api: Conveyor) => Promise<ApiResponse<unknown>>,
  expected: { readonly status: number; readonly code: string; readonly mentions?: readonly string[]; readonly groups?: readonly GroupRef[] },
): Promise<void> {
  const before = await captureSnapshot(api, expected.groups);
  const response = await send(api);
  expectApiError(response, expected.status, expected.code, expected.mentions);
  expect(await captureSnapshot(api, expected.groups)).toEqual(before);
}
