export interface RequiringIt {
  (name: string, fn: () => Promise<void>, timeout?: number): void;
  each<T extends object>(cases: readonly T[]): (name: string, fn: (row: T) => Promise<void>, timeout?: number) => void;
}

/**
 * `it` for specs that need something of the machine (root, tmpfs, /proc).
 * Where `missing` names what is not there, each spec still runs and fails
 * with that reason: a spec that could not run is never hidden or passed.
 *
 * @example
 * const itAsRoot = itRequiring(process.getuid?.() === 0 ? undefined : 'mounting needs root');
 * itAsRoot('answers 503 when the disk is full', async () => { … });
 */
export function itRequiring(missing: string | undefined): RequiringIt {
  const guarded =
    <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      if (missing !== undefined) throw new Error(`this spec cannot run on this machine: ${missing}`);
      await fn(...args);
    };
  const declare = (name: string, fn: () => Promise<void>, timeout?: number): void => {
    it(name, guarded(fn), timeout);
  };
  declare.each =
    <T extends object>(cases: readonly T[]) =>
    (name: string, fn: (row: T) => Promise<void>, timeout?: number): void => {
      it.each<T>(cases)(name, guarded(fn), timeout);
    };
  return declare;
}
