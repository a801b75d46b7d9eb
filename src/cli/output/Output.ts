import { formatTable, type Column } from './table.js';

/** Where a command writes its result: stdout, a terminal or not. */
export interface OutputStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** One field of a record shown to a person: its label and how the record shows in it. */
export interface Field<Record> {
  readonly label: string;
  readonly value: (record: Record) => string | number | boolean | null | undefined;
}

/**
 * What a command prints, in one of two modes. JSON: every record is one line
 * of NDJSON, as the API answered it (`jq` reads a list and a single record
 * alike). Human: lists as aligned tables, single records as `label: value`
 * lines. JSON unless asked otherwise when stdout is not a terminal, so
 * pipes and scripts get something stable to parse.
 *
 * @example
 * const output = Output.for(process.stdout, flags.json);
 * output.list(topics, [{ heading: 'NAME', value: (t) => t.name }]);
 */
export class Output {
  public constructor(
    private readonly stream: OutputStream,
    public readonly json: boolean,
  ) {}

  /** `--json` forces JSON, `--no-json` human output; neither: JSON unless `stream` is a terminal. */
  public static for(stream: OutputStream, json: boolean | undefined): Output {
    return new Output(stream, json ?? stream.isTTY !== true);
  }

  /** One JSON line, whatever the mode (results that only exist as data). */
  public record(value: unknown): void {
    this.stream.write(`${JSON.stringify(value)}\n`);
  }

  /** A list: NDJSON, or a table (`empty` instead of a lone heading when there are no rows). */
  public list<Row>(rows: readonly Row[], columns: readonly Column<Row>[], empty: string): void {
    if (this.json) {
      for (const row of rows) this.record(row);
      return;
    }
    this.stream.write(rows.length === 0 ? `${empty}\n` : formatTable(rows, columns));
  }

  /** One record: a JSON line, or its fields one per line. */
  public item<Record>(record: Record, fields: readonly Field<Record>[]): void {
    if (this.json) {
      this.record(record);
      return;
    }
    const width = Math.max(...fields.map((field) => field.label.length)) + 1;
    this.stream.write(fields.map((field) => `${`${field.label}:`.padEnd(width)} ${showValue(field.value(record))}`).join('\n') + '\n');
  }

  /** The outcome of an action: `record` as a JSON line, or `text` for a person. */
  public result(record: unknown, text: string): void {
    this.stream.write(this.json ? `${JSON.stringify(record)}\n` : `${text}\n`);
  }

  /** A line for a person; nothing in JSON mode, where `record` says the same as data. */
  public say(text: string): void {
    if (!this.json) this.stream.write(`${text}\n`);
  }

  /** Text as it is, in either mode (a table redrawn by `stats --watch`). */
  public write(text: string): void {
    this.stream.write(text);
  }
}

function showValue(value: string | number | boolean | null | undefined): string {
  return value === null || value === undefined ? '-' : String(value);
}
