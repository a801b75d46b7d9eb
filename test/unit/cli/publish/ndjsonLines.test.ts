import { ndjsonLines, MAX_LINE_BYTES, type InputLine } from '../../../../src/cli/publish/ndjsonLines.js';

/** The lines of `chunks`, read as a stream delivering them one by one. */
async function linesOf(chunks: readonly (string | Buffer)[]): Promise<InputLine[]> {
  const lines: InputLine[] = [];
  async function* stream(): AsyncGenerator<string | Buffer> {
    yield* chunks;
  }
  for await (const line of ndjsonLines(stream())) lines.push(line);
  return lines;
}

describe('Function: ndjsonLines', () => {
  it('yields each line with its number and bytes, whatever the chunks cut', async () => {
    // Act
    const lines = await linesOf(['{"a":', '1}\n"two"', '\n3\n']);

    // Assess
    expect(lines).toEqual([
      { text: '{"a":1}', number: 1, bytes: 8 },
      { text: '"two"', number: 2, bytes: 6 },
      { text: '3', number: 3, bytes: 2 },
    ]);
  });

  it('skips blank lines but counts them, and accounts their bytes to the next line', async () => {
    // Act
    const lines = await linesOf(['1\n\n  \n2\n']);

    // Assess
    expect(lines).toEqual([
      { text: '1', number: 1, bytes: 2 },
      { text: '2', number: 4, bytes: 1 + 3 + 2 },
    ]);
  });

  it('reads a last line without a line break, CRLF endings and a byte order mark', async () => {
    // Act
    const lines = await linesOf(['\uFEFF{"a":1}\r\n{"b":2}']);

    // Assess
    expect(lines.map((line) => line.text)).toEqual(['{"a":1}', '{"b":2}']);
    expect(lines.reduce((sum, line) => sum + line.bytes, 0)).toBe(Buffer.byteLength('\uFEFF{"a":1}\r\n{"b":2}'));
  });

  it('keeps a multi-byte character whole when a chunk cuts through it', async () => {
    // Prepare
    const bytes = Buffer.from('"€uro"\n');

    // Act
    const lines = await linesOf([bytes.subarray(0, 2), bytes.subarray(2)]);

    // Assess
    expect(lines).toEqual([{ text: '"€uro"', number: 1, bytes: bytes.length }]);
  });

  it('refuses a line longer than a whole publish request, naming it', async () => {
    // Prepare
    const long = 'x'.repeat(MAX_LINE_BYTES + 1);

    // Act
    const reading = linesOf(['1\n', long.slice(0, 1000), long.slice(1000), '\n']);

    // Assess
    await expect(reading).rejects.toThrow(`line 2 is longer than ${MAX_LINE_BYTES} bytes`);
  });
});
