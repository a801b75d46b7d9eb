import { Output } from '../../../../src/cli/output/Output.js';
import { formatTable } from '../../../../src/cli/output/table.js';

/** A stream that keeps what is written to it. */
function streamOf(isTTY: boolean): { isTTY: boolean; text: () => string; write: (text: string) => boolean } {
  const written: string[] = [];
  return { isTTY, text: () => written.join(''), write: (text) => written.push(text) > 0 };
}

const TOPICS = [
  { name: 'orders', partitions: 4, filter: null },
  { name: 'payments-eu', partitions: 12, filter: { key: ['a'] } },
];
const COLUMNS = [
  { heading: 'NAME', value: (t: (typeof TOPICS)[number]) => t.name },
  { heading: 'PARTITIONS', value: (t: (typeof TOPICS)[number]) => t.partitions, align: 'right' as const },
  { heading: 'FILTER', value: (t: (typeof TOPICS)[number]) => (t.filter === null ? null : JSON.stringify(t.filter)) },
];

describe('Function: formatTable', () => {
  it('aligns columns two spaces apart, numbers on the right, a dash for nothing, and no padding at line ends', () => {
    // Act
    const table = formatTable(TOPICS, COLUMNS);

    // Assess
    expect(table).toBe(['NAME         PARTITIONS  FILTER', 'orders                4  -', 'payments-eu          12  {"key":["a"]}', ''].join('\n'));
  });

  it('cuts cells past their column width with an ellipsis, and keeps every row on one line', () => {
    // Act
    const table = formatTable([{ body: 'line one\nline two, which is long' }], [{ heading: 'BODY', value: (row) => row.body, maxWidth: 12 }]);

    // Assess
    expect(table).toBe('BODY\nline one li…\n');
  });
});

describe('Class: Output', () => {
  describe('Method: for', () => {
    it.each([
      { case: 'JSON into a pipe', isTTY: false, flag: undefined, json: true },
      { case: 'tables on a terminal', isTTY: true, flag: undefined, json: false },
      { case: 'JSON on a terminal with --json', isTTY: true, flag: true, json: true },
      { case: 'tables into a pipe with --no-json', isTTY: false, flag: false, json: false },
    ])('prints $case', ({ isTTY, flag, json }) => {
      // Act
      const output = Output.for(streamOf(isTTY), flag);

      // Assess
      expect(output.json).toBe(json);
    });
  });

  describe('Method: list', () => {
    it('prints one JSON line per row, as the API answered it, in JSON mode', () => {
      // Prepare
      const stream = streamOf(false);

      // Act
      new Output(stream, true).list(TOPICS, COLUMNS, 'no topics');

      // Assess
      expect(stream.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown)).toEqual(TOPICS);
    });

    it('says there is nothing instead of a lone heading for people', () => {
      // Prepare
      const stream = streamOf(true);

      // Act
      new Output(stream, false).list([], COLUMNS, 'no topics');

      // Assess
      expect(stream.text()).toBe('no topics\n');
    });
  });

  describe('Method: item', () => {
    it('prints label: value lines, aligned, for people', () => {
      // Prepare
      const stream = streamOf(true);

      // Act
      new Output(stream, false).item(TOPICS[1]!, [
        { label: 'name', value: (t) => t.name },
        { label: 'partitions', value: (t) => t.partitions },
      ]);

      // Assess
      expect(stream.text()).toBe('name:       payments-eu\npartitions: 12\n');
    });
  });
});
