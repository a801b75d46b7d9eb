import { Batcher, type Batch } from '../../../../src/cli/publish/Batcher.js';
import type { MessageToPublish } from '../../../../src/cli/publish/messageOfLine.js';

function message(index: number, bodyBytes = 10): MessageToPublish {
  return { id: `m-${index}`, body: 'x'.repeat(bodyBytes) };
}

/** Every batch of `count` messages added in order. */
function batchesOf(batcher: Batcher, count: number, bodyBytes?: number): Batch[] {
  const batches: Batch[] = [];
  for (let index = 1; index <= count; index += 1) {
    const full = batcher.add(message(index, bodyBytes), index, 20);
    if (full !== undefined) batches.push(full);
  }
  const last = batcher.flush();
  if (last !== undefined) batches.push(last);
  return batches;
}

describe('Class: Batcher', () => {
  it('closes a batch at the message limit, keeping input order and lines', () => {
    // Act
    const batches = batchesOf(new Batcher({ messages: 500, requestBytes: 5 * 1024 * 1024 }), 1201);

    // Assess
    expect(batches.map((batch) => batch.messages.length)).toEqual([500, 500, 201]);
    expect(batches.map((batch) => [batch.sequence, batch.firstLine, batch.lastLine])).toEqual([[0, 1, 500], [1, 501, 1000], [2, 1001, 1201]]);
    expect(batches.flatMap((batch) => batch.messages.map((m) => m.id))).toEqual(Array.from({ length: 1201 }, (_, index) => `m-${index + 1}`));
    expect(batches[2]!.inputBytes).toBe(201 * 20);
  });

  it('counts the exact bytes of the request body it will be sent as', () => {
    // Act
    const [batch] = batchesOf(new Batcher(), 3);

    // Assess
    expect(batch!.requestBytes).toBe(Buffer.byteLength(JSON.stringify({ messages: batch!.messages })));
  });

  it('closes a batch before one more message would pass the request byte limit, and uses the limit fully', () => {
    // Prepare
    const one = Buffer.byteLength(JSON.stringify(message(1, 1000)));
    const limit = Buffer.byteLength('{"messages":[]}') + 3 * one + 2; // exactly three messages and two commas

    // Act
    const batches = batchesOf(new Batcher({ messages: 500, requestBytes: limit }), 7, 1000);

    // Assess
    expect(batches.map((batch) => batch.messages.length)).toEqual([3, 3, 1]);
    expect(batches[0]!.requestBytes).toBe(limit);
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify({ messages: batch.messages }))).toBeLessThanOrEqual(limit);
  });

  it('sends a message larger than any request alone, for the API to refuse', () => {
    // Act
    const batches = batchesOf(new Batcher({ messages: 500, requestBytes: 100 }), 2, 200);

    // Assess
    expect(batches.map((batch) => batch.messages.length)).toEqual([1, 1]);
  });

  it('has nothing to flush when empty', () => {
    // Act
    const flushed = new Batcher().flush();

    // Assess
    expect(flushed).toBeUndefined();
  });
});
