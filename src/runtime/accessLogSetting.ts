import { z } from 'zod';
import { shown } from '../http/schemas/fields.js';
import { parse } from '../http/validate.js';

/** The environment variable that turns the access log off, for the embedded server and the API function alike. */
export const ACCESS_LOG_ENV = 'CONVEYOR_ACCESS_LOG';

/** CONVEYOR_ACCESS_LOG as the environment holds it: `on` (the default) or `off`, read as whether to log. */
export const accessLogSetting = z
  .enum(['on', 'off'], { error: (issue) => `must be "on" or "off", but ${shown(issue.input)} was provided` })
  .default('on')
  .transform((value) => value === 'on');

/**
 * Whether the environment wants an access log line per request. Throws
 * InvalidRequestError naming the variable and the value otherwise.
 *
 * @example
 * readAccessLog({ CONVEYOR_ACCESS_LOG: 'off' }); // false
 * readAccessLog({}); // true
 */
export function readAccessLog(env: NodeJS.ProcessEnv = process.env): boolean {
  return parse(z.object({ [ACCESS_LOG_ENV]: accessLogSetting }), env, 'environment')[ACCESS_LOG_ENV];
}
