import { existsSync, readdirSync, readFileSync } from 'node:fs';

interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /** R, S, D, Z…: a zombie has exited and only waits to be reaped. */
  readonly state: string;
}

/** One process from /proc/PID/stat, or undefined when it is gone. */
function readEntry(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count from the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(ppid), state: state ?? '?' };
  } catch {
    return undefined;
  }
}

/** Why this machine cannot list a process's descendants, or undefined when it can. */
export function processTreeUnavailable(): string | undefined {
  return existsSync('/proc/self/stat') ? undefined : 'finding the processes npm started reads /proc, which only Linux has';
}

/** Every process below `pid` (children, their children…), read from /proc (Linux). */
export function descendantsOf(pid: number): number[] {
  const entries = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readEntry(Number(name)))
    .filter((entry): entry is ProcessEntry => entry !== undefined);
  const found: number[] = [];
  const parents = [pid];
  while (parents.length > 0) {
    const parent = parents.pop()!;
    for (const entry of entries) {
      if (entry.ppid === parent) {
        found.push(entry.pid);
        parents.push(entry.pid);
      }
    }
  }
  return found;
}

/** The process still runs (a zombie does not). */
export function isAlive(pid: number): boolean {
  const entry = readEntry(pid);
  return entry !== undefined && entry.state !== 'Z';
}

/** Kills whatever of `pids` still runs; for afterAll, so that a failed spec leaves nothing behind. */
export function killLeftovers(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Resolves with `promise`'s value, or with 'timeout' after `ms`: waiting on a process never hangs a spec. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref())]);
}
