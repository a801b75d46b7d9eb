import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consoleFiles, findConsoleFolder } from '../../../src/server/console/consoleFiles.js';
import { makeDataDir, removeDataDir } from '../../helpers/dataDir.js';

/** Writes `files` (path → content) under `root`. */
function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

describe('Function: consoleFiles', () => {
  let root: string;

  beforeEach(() => {
    root = makeDataDir('console-files');
  });

  afterEach(() => {
    removeDataDir(root);
  });

  it('lists the page, plain-named assets of known kinds one folder deep, and two files of uplot', () => {
    // Prepare
    writeTree(root, {
      'console/index.html': '<!doctype html>',
      'console/assets/main.js': '',
      'console/assets/console.css': '',
      'console/assets/logo.svg': '',
      'console/assets/views/topic.js': '',
      'console/assets/views/deeper/hidden.js': '',
      'console/assets/.env.js': '',
      'console/assets/notes.txt': '',
      'console/assets/with space.js': '',
      'console/assets/archive.js.map': '',
      'uplot/dist/uPlot.esm.js': '',
      'uplot/dist/uPlot.min.css': '',
      'uplot/dist/uPlot.cjs.js': '',
    });

    // Act
    const files = consoleFiles({ folder: join(root, 'console'), uplotDist: join(root, 'uplot', 'dist') });

    // Assess
    expect([...files.keys()].sort()).toEqual([
      '/console',
      '/console/assets/console.css',
      '/console/assets/logo.svg',
      '/console/assets/main.js',
      '/console/assets/vendor/uPlot.esm.js',
      '/console/assets/vendor/uPlot.min.css',
      '/console/assets/views/topic.js',
    ]);
    expect(files.get('/console')).toEqual({ file: join(root, 'console', 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(files.get('/console/assets/views/topic.js')?.file).toBe(join(root, 'console', 'assets', 'views', 'topic.js'));
  });

  it('lists nothing when neither folder was found', () => {
    expect(consoleFiles({ folder: undefined, uplotDist: undefined }).size).toBe(0);
  });
});

describe('Function: findConsoleFolder', () => {
  let root: string;

  beforeEach(() => {
    root = makeDataDir('console-folder');
  });

  afterEach(() => {
    removeDataDir(root);
  });

  it("finds the console/ beside Conveyor's package.json above the module, as installed in node_modules", () => {
    // Prepare: a user's project with a console/ of its own, and Conveyor installed in it.
    writeTree(root, {
      'package.json': JSON.stringify({ name: 'my-app' }),
      'console/index.html': 'not ours',
      'node_modules/conveyor/package.json': JSON.stringify({ name: 'conveyor' }),
      'node_modules/conveyor/console/index.html': 'ours',
      'node_modules/conveyor/dist/src/server/console/consoleFiles.js': '',
    });
    const module = pathToFileURL(join(root, 'node_modules/conveyor/dist/src/server/console/consoleFiles.js')).href;

    // Act + Assess
    expect(findConsoleFolder(module)).toBe(join(root, 'node_modules', 'conveyor', 'console'));
  });

  it("skips a console/ that is not beside Conveyor's package.json", () => {
    writeTree(root, { 'package.json': JSON.stringify({ name: 'my-app' }), 'console/index.html': 'not ours', 'lib/module.js': '' });

    expect(findConsoleFolder(pathToFileURL(join(root, 'lib/module.js')).href)).toBeUndefined();
  });
});
