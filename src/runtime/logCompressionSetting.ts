import { LOG_COMPRESSION_ENV, LOG_COMPRESSIONS, type LogCompression } from '../adapters/aws/batchCompression.js';
import { readEnumSetting } from './enumSetting.js';

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
  return readEnumSetting(env, LOG_COMPRESSION_ENV, LOG_COMPRESSIONS, 'deflate');
}
