import { z } from 'zod';
import { LOG_COMPRESSION_ENV, LOG_COMPRESSIONS, type LogCompression } from '../adapters/aws/batchCompression.js';
import { shown } from '../http/schemas/fields.js';
import { parse } from '../http/validate.js';

/**
 * How the functions of an AWS deployment store record batches, from the
 * environment: `deflate` (the default) or `none`. Throws InvalidRequestError
 * naming the variable and the value otherwise.
 *
 * @example
 * readLogCompression({ CONVEYOR_LOG_COMPRESSION: 'none' }); // 'none'
 * readLogCompression({}); // 'deflate'
 */
export function readLogCompression(env: NodeJS.ProcessEnv = process.env): LogCompression {
  const setting = z.enum(LOG_COMPRESSIONS, { error: (issue) => `must be one of ${LOG_COMPRESSIONS.map((value) => `"${value}"`).join(', ')}, but ${shown(issue.input)} was provided` }).default('deflate');
  return parse(z.object({ [LOG_COMPRESSION_ENV]: setting }), env, 'environment')[LOG_COMPRESSION_ENV];
}
