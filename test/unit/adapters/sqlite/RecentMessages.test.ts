import { RecentMessages, type RecentMessage } from '../../../../src/adapters/sqlite/RecentMessages.js';

const message = (id: string, bytes: number): RecentMessage => ({ id, partition: 0, offset: 0, key: null, body: id, attributes: {}, publishedAt: '2026-01-01T00:00:00.000Z', bytes });

describe('Class: RecentMessages', () => {
  it('keeps the newest messages within its byte bound, dropping the oldest first', () => {
    // Prepare
    const recent = new RecentMessages(() => 0, 250);

    // Act
    for (const seq of [1, 2, 3]) recent.add(seq, message(`m${seq}`, 100));

    // Assess
    expect([1, 2, 3].map((seq) => recent.get(seq)?.id)).toEqual([undefined, 'm2', 'm3']);
  });

  it('drops the messages older than its age bound when another is added', () => {
    // Prepare
    let now = 0;
    const recent = new RecentMessages(() => now, 1000, 50);
    recent.add(1, message('old', 100));
    now = 30;
    recent.add(2, message('younger', 100));

    // Act
    now = 60;
    recent.add(3, message('new', 100));

    // Assess
    expect([1, 2, 3].map((seq) => recent.get(seq)?.id)).toEqual([undefined, 'younger', 'new']);
  });

  it('does not keep a message larger than its whole bound', () => {
    // Prepare
    const recent = new RecentMessages(() => 0, 250);
    recent.add(1, message('small', 100));

    // Act
    recent.add(2, message('huge', 251));

    // Assess
    expect([recent.get(1)?.id, recent.get(2)]).toEqual(['small', undefined]);
  });

  it('replaces what a reused seq held and frees the bytes of forgotten and cleared entries', () => {
    // Prepare
    const recent = new RecentMessages(() => 0, 200);
    recent.add(1, message('old', 100));
    recent.add(1, message('new', 100));
    recent.add(2, message('kept', 100));
    recent.forget(2);

    // Act
    recent.add(3, message('fits', 100));
    const beforeClear = [1, 2, 3].map((seq) => recent.get(seq)?.id);
    recent.clear();

    // Assess
    expect(beforeClear).toEqual(['new', undefined, 'fits']);
    expect([1, 3].map((seq) => recent.get(seq))).toEqual([undefined, undefined]);
  });
});
