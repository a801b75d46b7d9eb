import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(command: string, args: readonly string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

function failure(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr !== undefined && stderr !== '' ? stderr : String(error);
}

/** A folder with a tmpfs of `sizeMb` mounted on it. */
export function mountTmpfs(prefix: string, sizeMb: number): string {
  const dir = mkdtempSync(join(tmpdir(), `conveyor-${prefix}-`));
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]);
  } catch (error) {
    rmdirSync(dir);
    throw new Error(`mount -t tmpfs on ${dir} failed: ${failure(error)}`);
  }
  return dir;
}

/** Grows (or shrinks, down to what it holds) the tmpfs mounted on `dir`, keeping its files. */
export function resizeTmpfs(dir: string, sizeMb: number): void {
  run('mount', ['-o', `remount,size=${sizeMb}m`, dir]);
}

/** Unmounts and removes the folder; lazily when something still holds it open, so that nothing stays mounted. */
export function unmountTmpfs(dir: string): void {
  try {
    run('umount', [dir]);
  } catch {
    run('umount', ['-l', dir]);
  }
  rmdirSync(dir);
}

/**
 * Why this machine cannot run the tmpfs specs, or undefined when it can: only
 * root may mount, and a container may forbid even root. Found out by mounting
 * and unmounting a tiny tmpfs once.
 */
export function tmpfsUnavailable(): string | undefined {
  const uid = process.getuid?.();
  if (uid !== 0) return `mounting a tmpfs needs root, and this runs as uid ${uid ?? 'unknown'}`;
  try {
    unmountTmpfs(mountTmpfs('probe', 1));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
