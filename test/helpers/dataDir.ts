import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh, empty DATA_DIR; remove it with `removeDataDir`. */
export function makeDataDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `conveyor-${prefix}-`));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
