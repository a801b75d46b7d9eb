/** One column of a human table: its heading, how a row shows in it, and whether it lines up on the right (numbers). */
export interface Column<Row> {
  readonly heading: string;
  readonly value: (row: Row) => string | number | boolean | null | undefined;
  readonly align?: 'left' | 'right';
  /** Longer cells are cut to this many characters with an ellipsis (bodies, filters). */
  readonly maxWidth?: number;
}

/** A cell as text: null and undefined as a dash, everything else as written. */
function cellText(value: string | number | boolean | null | undefined, maxWidth: number | undefined): string {
  const text = value === null || value === undefined ? '-' : String(value).replace(/[\r\n\t]/g, ' ');
  return maxWidth !== undefined && text.length > maxWidth ? `${text.slice(0, Math.max(maxWidth - 1, 0))}…` : text;
}

/**
 * Rows as an aligned plain-text table with a heading line, columns two spaces
 * apart, the last column not padded (so lines end where their text ends).
 *
 * @example
 * formatTable([{ name: 'orders', partitions: 4 }], [
 *   { heading: 'NAME', value: (t) => t.name },
 *   { heading: 'PARTITIONS', value: (t) => t.partitions, align: 'right' },
 * ]);
 * // 'NAME    PARTITIONS\norders           4\n'
 */
export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row), column.maxWidth)));
  const widths = columns.map((column, index) => Math.max(column.heading.length, ...cells.map((line) => line[index]!.length)));
  const render = (line: readonly string[]): string =>
    line
      .map((text, index) => {
        const last = index === line.length - 1;
        if (columns[index]!.align === 'right') return text.padStart(widths[index]!);
        return last ? text : text.padEnd(widths[index]!);
      })
      .join('  ');
  return [columns.map((column) => column.heading), ...cells].map(render).join('\n') + '\n';
}
