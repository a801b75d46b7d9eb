import { decodeAckId, encodeAckId } from '../../../../src/adapters/sqlite/AckIds.js';

describe('Functions: encodeAckId / decodeAckId', () => {
  it.each([
    { subId: 1, seq: 0, token: 1 },
    { subId: 3, seq: 1_000_000, token: 2 ** 31 - 1 },
    { subId: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER, token: Number.MAX_SAFE_INTEGER },
  ])('reads back the subscription, seq and token it wrote: $subId, $seq, $token', (parts) => {
    // Act
    const decoded = decodeAckId(encodeAckId(parts));

    // Assess
    expect(decoded).toEqual(parts);
  });

  it('writes short ids of letters, digits and dots only', () => {
    // Act
    const ackId = encodeAckId({ subId: 12, seq: 987_654_321, token: 2 ** 31 - 1 });

    // Assess
    expect(ackId).toMatch(/^[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+$/);
    expect(ackId.length).toBeLessThan(20);
  });

  it.each([
    { case: 'garbage', ackId: 'not-an-ack-id' },
    { case: 'two fields', ackId: '1.2' },
    { case: 'four fields', ackId: '1.2.3.4' },
    { case: 'an empty field', ackId: '1..3' },
    { case: 'upper case', ackId: '1.A.3' },
    { case: 'a sign', ackId: '1.-2.3' },
    { case: 'a number past 2^53', ackId: `1.${'z'.repeat(11)}.3` },
    { case: 'a field too long', ackId: `1.${'1'.repeat(12)}.3` },
    { case: 'something far too long', ackId: `1.2.3${'.'.repeat(100)}` },
    { case: 'the empty string', ackId: '' },
  ])('refuses $case', ({ ackId }) => {
    // Act
    const decoded = decodeAckId(ackId);

    // Assess
    expect(decoded).toBeNull();
  });
});
