import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version in Conveyor's package.json: the nearest one above this module
 * named `conveyor`, whether it runs from src/ (tests), dist/ or an installed
 * package's dist/.
 *
 * @example
 * program.version(packageVersion());
 */
export function packageVersion(from: string = import.meta.url): string {
  let directory = dirname(fileURLToPath(from));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'conveyor' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // no package.json here (or not JSON): keep climbing
    }
    const parent = dirname(directory);
    if (parent === directory) return '0.0.0-unknown';
    directory = parent;
  }
}
