import { z } from 'zod';
import { FAN_OUT_ENV, FAN_OUTS, type FanOut } from '../adapters/aws/packs/packFormat.js';
import { shown } from '../http/schemas/fields.js';
import { parse } from '../http/validate.js';

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
  const setting = z.enum(FAN_OUTS, { error: (issue) => `must be one of ${FAN_OUTS.map((value) => `"${value}"`).join(', ')}, but ${shown(issue.input)} was provided` }).default('pack');
  return parse(z.object({ [FAN_OUT_ENV]: setting }), env, 'environment')[FAN_OUT_ENV];
}
