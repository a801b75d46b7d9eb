import type { LatencySummary } from '../types.js';

/** Renders rows of cells as an aligned Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function thousands(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}k` : String(value);
}

export function ratioCell(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? '–' : `${value}×`;
}

function ms(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

/** `p50/p99/p99.9 ms` to a tenth of a millisecond (whole ones from 100), or a dash. */
export function percentilesCell(latency: LatencySummary | undefined): string {
  return latency === undefined ? '–' : `${ms(latency.p50)}/${ms(latency.p99)}/${ms(latency.p999)} ms`;
}
