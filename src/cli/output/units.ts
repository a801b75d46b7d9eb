/**
 * Numbers as a person reads them in tables, progress and summaries. JSON
 * output never goes through these: it carries the raw numbers.
 */

/** Bytes in decimal units, as network rates are read: `950 B`, `8.4 MB`. */
export function bytes(count: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = count;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** A rate per second with a precision that suits its size: `0.25`, `12.5`, `31250`. */
export function perSecond(value: number): string {
  if (value >= 100) return Math.round(value).toString();
  return value.toFixed(value >= 10 ? 1 : 2);
}

/** A duration: `850 ms`, `12.3 s`, `4m05s`, `2h10m`, `3d04h`. */
export function duration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.floor(seconds);
  const two = (n: number): string => String(n).padStart(2, '0');
  if (whole < 3600) return `${Math.floor(whole / 60)}m${two(whole % 60)}s`;
  if (whole < 86_400) return `${Math.floor(whole / 3600)}h${two(Math.floor((whole % 3600) / 60))}m`;
  return `${Math.floor(whole / 86_400)}d${two(Math.floor((whole % 86_400) / 3600))}h`;
}

/** A JSON value on one line, for a table cell or a tail line. */
export function compactJson(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}
