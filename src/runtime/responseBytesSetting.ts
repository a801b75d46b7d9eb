import { z } from 'zod';
import { ResponseLimits } from '../domain/constants.js';
import { intIn, shown } from '../http/schemas/fields.js';
import { parse } from '../http/validate.js';

/** The environment variable that sets the response byte budget, for the embedded server and the API function alike. */
export const RESPONSE_BYTES_ENV = 'CONVEYOR_RESPONSE_BYTES';

export interface ResponseBytesRange {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/**
 * The budget the API function allows on Lambda. A synchronous Lambda answers
 * at most 6 MB (6,291,456 bytes), and API Gateway's payload carries the body as
 * a string inside that JSON answer, where every quote and backslash is escaped
 * again: a body can double. 2.5 MiB of messages, doubled, leaves room for the
 * fields around each message (ack ids, times, positions); 2 MiB is the default.
 */
export const LambdaResponseBytes: ResponseBytesRange = { min: ResponseLimits.bytes.min, max: 2.5 * 1024 * 1024, default: 2 * 1024 * 1024 };

/**
 * CONVEYOR_RESPONSE_BYTES as the environment holds it: a whole number of bytes
 * within `range`, or absent for its default. Every refusal names the range and
 * the value received.
 */
export function responseBytesIn(range: ResponseBytesRange) {
  return z
    .string()
    .regex(/^\d+$/, { error: (issue) => `must be a whole number of bytes between ${range.min} and ${range.max}, but ${shown(issue.input)} was provided` })
    .transform(Number)
    .pipe(intIn(range))
    .default(range.default);
}

/** CONVEYOR_RESPONSE_BYTES for the embedded server: within ResponseLimits.bytes. */
export const responseBytesSetting = responseBytesIn(ResponseLimits.bytes);

/**
 * The response byte budget the environment sets (`range.default` when it sets
 * none). Throws InvalidRequestError naming the range and the value when the
 * setting is not a whole number of bytes in range.
 *
 * @example
 * readResponseBytes({ CONVEYOR_RESPONSE_BYTES: '1048576' }); // 1048576
 * readResponseBytes({}); // 4194304
 * readResponseBytes({}, LambdaResponseBytes); // 2097152
 */
export function readResponseBytes(env: NodeJS.ProcessEnv = process.env, range: ResponseBytesRange = ResponseLimits.bytes): number {
  return parse(z.object({ [RESPONSE_BYTES_ENV]: responseBytesIn(range) }), env, 'environment')[RESPONSE_BYTES_ENV];
}
