import { z } from 'zod';
import { shown } from '../http/schemas/fields.js';
import { parse } from '../http/validate.js';

/**
 * A setting from the environment that takes one of `values`, or `fallback`
 * when the variable is not set. Throws InvalidRequestError naming the
 * variable, the choices and the value otherwise.
 *
 * @example
 * readEnumSetting({ CONVEYOR_FAN_OUT: 'event' }, 'CONVEYOR_FAN_OUT', ['pack', 'event'], 'pack'); // 'event'
 */
export function readEnumSetting<const T extends readonly [string, ...string[]]>(env: NodeJS.ProcessEnv, name: string, values: T, fallback: T[number]): T[number] {
  const setting = z.enum(values, { error: (issue) => `must be one of ${values.map((value) => `"${value}"`).join(', ')}, but ${shown(issue.input)} was provided` }).default(fallback);
  return parse(z.object({ [name]: setting }), env, 'environment')[name] as T[number];
}
