import { FAN_OUT_ENV, FAN_OUTS, type FanOut } from '../adapters/aws/packs/packFormat.js';
import { readEnumSetting } from './enumSetting.js';

/**
 * What the rules of new subscriptions of an AWS deployment match, from the
 * environment: `pack` (the default) or `event`. Throws InvalidRequestError
 * naming the variable and the value otherwise.
 *
 * @example
 * readFanOut({ CONVEYOR_FAN_OUT: 'event' }); // 'event'
 * readFanOut({}); // 'pack'
 */
export function readFanOut(env: NodeJS.ProcessEnv = process.env): FanOut {
  return readEnumSetting(env, FAN_OUT_ENV, FAN_OUTS, 'pack');
}
