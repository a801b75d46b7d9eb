import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchmarkResult } from '../runBenchmark.js';

/** Writes the run as `<dir>/<ISO start time>.json` (colons made dashes for portable file names); returns the path. */
export function writeResults(result: BenchmarkResult, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${result.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
