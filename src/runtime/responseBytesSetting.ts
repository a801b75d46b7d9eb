import { z } from 'zod';
import { ResponseLimits } from '../domain/constants.js';
import { intIn, shown } from '../http/schemas/fields.js';
import { parse } from '../http/validate.js';

/** The environment variable that sets the response byte budget, for the embedded server and the API function alike. */
export const RESPONSE_BYTES_ENV = 'CONVEYOR_RESPONSE_BYTES';

const { min, max } = ResponseLimits.bytes;

/**
 * CONVEYOR_RESPONSE_BYTES as the environment holds it: a whole number of bytes
 * within ResponseLimits.bytes, or absent for the default. Every refusal names
 * the range and the value received.
 */
export const responseBytesSetting = z
  .string()
  .regex(/^\d+$/, { error: (issue) => `must be a whole number of bytes between ${min} and ${max}, but ${shown(issue.input)} was provided` })
  .transform(Number)
  .pipe(intIn(ResponseLimits.bytes))
  .default(ResponseLimits.bytes.default);

const environment = z.object({ [RESPONSE_BYTES_ENV]: responseBytesSetting });

/**
 * The response byte budget the environment sets (ResponseLimits.bytes.default
 * when it sets none). Throws InvalidRequestError naming the range and the value
 * when the setting is not a number of bytes in range.
 *
 * @example
 * readResponseBytes({ CONVEYOR_RESPONSE_BYTES: '1048576' }); // 1048576
 * readResponseBytes({}); // 8388608
 */
export function readResponseBytes(env: NodeJS.ProcessEnv = process.env): number {
  return parse(environment, env, 'environment')[RESPONSE_BYTES_ENV];
}
