import { PublishLimits } from '../../domain/constants.js';
import { CommandError } from '../errors.js';
import { ExitCode } from '../exitCodes.js';

/** One non-blank line of NDJSON input. */
export interface InputLine {
  /** The line without its line break and surrounding white space. */
  readonly text: string;
  /** 1-based, counting blank lines, as an editor shows it. */
  readonly number: number;
  /** Input bytes this line accounts for: its own with its line break, plus the blank lines just before it. */
  readonly bytes: number;
}

/**
 * Longest line the reader holds: a request's worth. A longer one cannot be a
 * message the API takes, and without a limit a file with no line breaks would
 * be read into memory whole.
 */
export const MAX_LINE_BYTES = PublishLimits.requestBytes;

const NEWLINE = 0x0a;

/**
 * Splits a byte stream (a file, stdin) into its non-blank lines, as it
 * arrives: chunks are cut at line feeds (safe in UTF-8, where no other
 * character contains the byte 0x0A), `\r\n` endings and a byte order mark are
 * tolerated, a last line without a line break counts. Every input byte is
 * accounted to some line, so a progress bar over the file's size ends at 100%.
 *
 * @example
 * for await (const line of ndjsonLines(createReadStream('orders.ndjson'))) JSON.parse(line.text);
 */
export async function* ndjsonLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<InputLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  let blankBytes = 0;

  function* finish(content: Buffer, lineBreak: number): Generator<InputLine> {
    number += 1;
    let text = content.toString('utf8');
    if (number === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    text = text.trim();
    const bytes = content.length + lineBreak;
    if (text === '') {
      blankBytes += bytes;
      return;
    }
    yield { text, number, bytes: blankBytes + bytes };
    blankBytes = 0;
  }

  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let at = buffer.indexOf(NEWLINE); at !== -1; at = buffer.indexOf(NEWLINE, start)) {
      const piece = buffer.subarray(start, at);
      const content = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      pendingBytes = 0;
      start = at + 1;
      if (content.length > MAX_LINE_BYTES) throw tooLong(number + 1);
      yield* finish(content, 1);
    }
    if (start < buffer.length) {
      pending.push(buffer.subarray(start));
      pendingBytes += buffer.length - start;
      if (pendingBytes > MAX_LINE_BYTES) throw tooLong(number + 1);
    }
  }
  if (pendingBytes > 0) yield* finish(Buffer.concat(pending), 0);
}

function tooLong(line: number): CommandError {
  return new CommandError(`line ${line} is longer than ${MAX_LINE_BYTES} bytes, a whole publish request: NDJSON needs one message per line`, ExitCode.Usage);
}
