/**
 * Calls `onGone` once when this process's parent exits. `npm start` passes the
 * signals it gets on to the server, but a parent that dies without passing
 * anything (SIGKILL, a crash, a shell between npm and node) leaves the server
 * re-parented and running with nobody to stop it; with this, it stops itself.
 *
 * The parent is gone when `process.ppid` (read anew on each access) differs
 * from the one at the start: the orphan belongs to init or a subreaper from the
 * moment its parent exits, before anyone reaps the parent. The timer never keeps
 * the process alive on its own. Returns a function that stops watching.
 *
 * @param parent the parent to watch, read when the process started, so that one
 *   that died while the server was starting counts too. @default process.ppid
 * @example
 * const parent = process.ppid; // first thing
 * const unwatch = watchParent(() => void stop('parent exited'), parent);
 * unwatch();
 */
export function watchParent(onGone: () => void, parent = process.ppid, intervalMs = 500): () => void {
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
