import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The URL of the console's page; its files are under `${CONSOLE_PATH}/assets/`. */
export const CONSOLE_PATH = '/console';

/** What the console serves, by extension; a file of any other kind is never served. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** One servable file: where it is on disk and how it is sent. */
export interface ConsoleFile {
  readonly file: string;
  readonly contentType: string;
}

/** A name made only of plain characters: no dots at the start, no separators, no encoding. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)+$/;
const PLAIN_FOLDER = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * The package's own `console/` folder: the nearest one above this module that
 * sits beside Conveyor's package.json, whether the server runs from src/
 * (tests), dist/ or an installed package.
 */
export function findConsoleFolder(from: string = import.meta.url): string | undefined {
  for (let directory = dirname(fileURLToPath(from)); directory !== dirname(directory); directory = dirname(directory)) {
    const candidate = join(directory, 'console');
    if (!existsSync(join(candidate, 'index.html'))) continue;
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: unknown };
      if (manifest.name === 'conveyor') return candidate;
    } catch {
      // a console/ folder that is not Conveyor's: keep climbing
    }
  }
  return undefined;
}

/** uPlot's dist folder, found as Node finds the package: beside Conveyor in node_modules, or in its own. */
export function findUplotDist(from: string = import.meta.url): string | undefined {
  try {
    return dirname(createRequire(from).resolve('uplot'));
  } catch {
    return undefined;
  }
}

/** Every plain-named file of a known kind below `folder`, one folder level deep at most, as `a.js` or `views/b.js`. */
function listAssets(folder: string, prefix = '', depth = 0): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return depth === 0 && PLAIN_FOLDER.test(entry.name) ? listAssets(join(folder, entry.name), `${entry.name}/`, depth + 1) : [];
    return entry.isFile() && PLAIN_NAME.test(entry.name) && CONTENT_TYPES[extname(entry.name)] !== undefined ? [`${prefix}${entry.name}`] : [];
  });
}

const fileOf = (file: string): ConsoleFile => ({ file, contentType: CONTENT_TYPES[extname(file)]! });

/**
 * The console's files by their exact URL path, listed once. A request is
 * served only when its raw path is one of these keys, so no path a client
 * sends can reach any other file: nothing is joined, decoded or normalized.
 * uPlot's script and style come from the installed `uplot` package under
 * `/console/assets/vendor/`.
 *
 * @example
 * const files = consoleFiles({ folder: findConsoleFolder(), uplotDist: findUplotDist() });
 * files.get('/console'); // { file: '…/console/index.html', contentType: 'text/html; charset=utf-8' }
 */
export function consoleFiles(locations: { readonly folder: string | undefined; readonly uplotDist: string | undefined }): ReadonlyMap<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  const { folder, uplotDist } = locations;
  if (folder !== undefined) {
    files.set(CONSOLE_PATH, fileOf(join(folder, 'index.html')));
    for (const name of listAssets(join(folder, 'assets'))) files.set(`${CONSOLE_PATH}/assets/${name}`, fileOf(join(folder, 'assets', ...name.split('/'))));
  }
  if (uplotDist !== undefined) {
    for (const name of ['uPlot.esm.js', 'uPlot.min.css']) {
      if (existsSync(join(uplotDist, name))) files.set(`${CONSOLE_PATH}/assets/vendor/${name}`, fileOf(join(uplotDist, name)));
    }
  }
  return files;
}
