import { ExitCode } from '../../../../src/cli/exitCodes.js';
import { messageOfLine, type LineReading } from '../../../../src/cli/publish/messageOfLine.js';

function reading(overrides: Partial<LineReading> = {}): LineReading {
  let next = 0;
  return { bodies: false, defaults: {}, newId: () => `id-${(next += 1)}`, ...overrides };
}

function line(text: string, number = 1): { text: string; number: number; bytes: number } {
  return { text, number, bytes: text.length + 1 };
}

describe('Function: messageOfLine', () => {
  it.each([
    { case: 'an object with a body field is a message in the API shape', text: '{"body":{"total":42},"key":"customer-7","id":"order-1"}', expected: { body: { total: 42 }, key: 'customer-7', id: 'order-1' } },
    { case: 'an object without a body field is a body', text: '{"total":42}', expected: { body: { total: 42 }, id: 'id-1' } },
    { case: 'a string is a body', text: '"hello"', expected: { body: 'hello', id: 'id-1' } },
    { case: 'null is a body', text: 'null', expected: { body: null, id: 'id-1' } },
    { case: 'an array is a body', text: '[{"body":1}]', expected: { body: [{ body: 1 }], id: 'id-1' } },
  ])('reads $case', ({ text, expected }) => {
    // Act
    const message = messageOfLine(line(text), reading());

    // Assess
    expect(message).toEqual(expected);
  });

  it('gives every message without an id a fresh one, and keeps the ids lines bring', () => {
    // Prepare
    const lines = reading();

    // Act
    const ids = ['1', '{"body":2,"id":"mine"}', '3'].map((text) => messageOfLine(line(text), lines).id);

    // Assess
    expect(ids).toEqual(['id-1', 'mine', 'id-2']);
  });

  it('reads every line as a body with --bodies', () => {
    // Act
    const message = messageOfLine(line('{"body":"x","subject":"y"}'), reading({ bodies: true }));

    // Assess
    expect(message).toEqual({ body: { body: 'x', subject: 'y' }, id: 'id-1' });
  });

  it('fills what a line leaves out from the defaults, the line winning', () => {
    // Prepare
    const defaults = { key: 'k', attributes: { source: 'import', region: 'us' }, delaySeconds: 60 };

    // Act
    const bare = messageOfLine(line('1'), reading({ defaults }));
    const own = messageOfLine(line('{"body":2,"key":"mine","attributes":{"region":"eu"},"deliverAt":"2030-01-01T00:00:00Z"}'), reading({ defaults }));

    // Assess
    expect(bare).toEqual({ body: 1, id: 'id-1', key: 'k', attributes: { source: 'import', region: 'us' }, delaySeconds: 60 });
    expect(own).toEqual({ body: 2, id: 'id-1', key: 'mine', attributes: { source: 'import', region: 'eu' }, deliverAt: '2030-01-01T00:00:00Z' });
  });

  it.each([
    { case: 'a line that is not JSON', text: '{"a":', message: /^line 7 is not JSON: / },
    { case: 'a message with a field the API does not take', text: '{"body":1,"subject":"x"}', message: /^line 7 has a "body" field, so it is read as a message, but it also has "subject"; .*--bodies/ },
    { case: 'a message whose id is not a string', text: '{"body":1,"id":42}', message: /^line 7: "id" must be a non-empty string, but 42 was provided$/ },
  ])('refuses $case as a usage error naming the line', ({ text, message }) => {
    // Act
    const read = (): unknown => messageOfLine(line(text, 7), reading());

    // Assess
    expect(read).toThrow(message);
    expect(read).toThrow(expect.objectContaining({ exitCode: ExitCode.Usage }) as Error);
  });
});
