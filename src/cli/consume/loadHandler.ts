import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SqsLambdaHandler } from '../../emulation/lambdaContext.js';
import { CommandError } from '../errors.js';

/** The export a handler reference names when it names none, as Lambda's `index.handler`. */
const DEFAULT_EXPORT = 'handler';

/**
 * Imports a Lambda handler module, unchanged, as Lambda would: `path[#export]`,
 * the path relative to `cwd`, the export `handler` unless named. A module that
 * is missing, fails to load or lacks the export is a CommandError that says
 * which, and which functions the module does export.
 *
 * @example
 * const handler = await loadHandler('./dist/billing.js#handler', process.cwd());
 */
export async function loadHandler(reference: string, cwd: string): Promise<SqsLambdaHandler> {
  const hash = reference.lastIndexOf('#');
  const file = resolve(cwd, hash === -1 ? reference : reference.slice(0, hash));
  const name = hash === -1 || hash === reference.length - 1 ? DEFAULT_EXPORT : reference.slice(hash + 1);
  if (!existsSync(file)) throw new CommandError(`handler module ${file} does not exist (--handler ${reference})`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CommandError(`handler module ${file} failed to load: ${error instanceof Error ? error.message : String(error)}`, 1, { cause: error });
  }
  const handler = module[name];
  if (typeof handler !== 'function') {
    const functions = Object.keys(module).filter((key) => typeof module[key] === 'function');
    throw new CommandError(
      `handler module ${file} has no exported function ${JSON.stringify(name)}${functions.length === 0 ? ' (it exports no functions)' : `; it exports ${functions.map((key) => JSON.stringify(key)).join(', ')}`}: name one with --handler ${file}#<export>`,
    );
  }
  return handler as SqsLambdaHandler;
}
