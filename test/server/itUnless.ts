export interface ConditionalIt {
  (name: string, fn: () => Promise<void>, timeout?: number): void;
  each<T extends object>(cases: readonly T[]): (name: string, fn: (row: T) => Promise<void>, timeout?: number) => void;
}

/**
 * `it` where `unavailable` is undefined. Otherwise each spec is skipped with a
 * name that says why it did not run, and a warning in the run's output (jest
 * lists no names from a file whose every spec is skipped): never a silent pass.
 *
 * @example
 * const itAsRoot = itUnless(process.getuid?.() === 0 ? undefined : 'mounting needs root');
 * itAsRoot('answers 503 when the disk is full', async () => { … });
 */
export function itUnless(unavailable: string | undefined): ConditionalIt {
  const skippedName = (name: string): string => {
    console.warn(`skipped "${name}": ${unavailable}`);
    return `${name} [skipped: ${unavailable}]`;
  };
  const conditional = (name: string, fn: () => Promise<void>, timeout?: number): void => {
    if (unavailable === undefined) it(name, fn, timeout);
    else it.skip(skippedName(name), fn, timeout);
  };
  conditional.each =
    <T extends object>(cases: readonly T[]) =>
    (name: string, fn: (row: T) => Promise<void>, timeout?: number): void => {
      if (unavailable === undefined) it.each<T>(cases)(name, fn, timeout);
      else it.skip.each<T>(cases)(skippedName(name), fn, timeout);
    };
  return conditional;
}
