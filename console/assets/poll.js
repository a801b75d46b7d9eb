// A page that reads the broker again every few seconds until it is left.

/**
 * Runs `read()` now and then every `intervalMs`; `show(result)` renders what
 * came back unless the page was left meanwhile, and a failure is shown in
 * `alert` until a later read succeeds. `refresh()` reads at once (after an
 * action); `stop()` ends it, when the page is left.
 */
export function poll({ intervalMs, read, show, alert }) {
  let timer;
  let stopped = false;
  const refresh = async () => {
    clearTimeout(timer);
    try {
      const result = await read();
      if (stopped) return;
      alert.clear();
      show(result);
    } catch (error) {
      if (!stopped) alert.show(error);
    } finally {
      if (!stopped) timer = setTimeout(refresh, intervalMs);
    }
  };
  void refresh();
  return {
    refresh,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
