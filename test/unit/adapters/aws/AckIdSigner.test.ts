import { AckIdSigner } from '../../../../src/adapters/aws/sqs/AckIdSigner.js';

const key = (fill: number): Buffer => Buffer.alloc(AckIdSigner.minKeyBytes, fill);
const PAYLOAD = 'MmExYjJjM2Q0LjMuMS43LjE.AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a+/=';

describe('Class: AckIdSigner', () => {
  describe('Method: constructor', () => {
    it.each([
      { case: 'an empty current key', current: Buffer.alloc(0), previous: [] },
      { case: 'a current key one byte short', current: Buffer.alloc(AckIdSigner.minKeyBytes - 1, 1), previous: [] },
      { case: 'a previous key one byte short', current: key(1), previous: [Buffer.alloc(AckIdSigner.minKeyBytes - 1, 2)] },
    ])('refuses $case, naming the minimum and the length received', ({ current, previous }) => {
      // Act
      const create = (): AckIdSigner => new AckIdSigner(current, previous);

      // Assess
      expect(create).toThrow(new RegExp(`at least ${AckIdSigner.minKeyBytes} bytes, but key [01] has ${previous[0]?.byteLength ?? current.byteLength}`));
    });
  });

  describe('Method: sign', () => {
    it('gives 16 bytes of HMAC-SHA-256 in base64url, the same for the same payload and key', () => {
      // Prepare
      const signer = new AckIdSigner(key(1));

      // Act
      const signature = signer.sign(PAYLOAD);

      // Assess
      expect(signature).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(signature, 'base64url')).toHaveLength(16);
      expect(new AckIdSigner(key(1)).sign(PAYLOAD)).toBe(signature);
    });

    it('signs with the current key, never a previous one', () => {
      // Prepare
      const rotated = new AckIdSigner(key(2), [key(1)]);

      // Act
      const signature = rotated.sign(PAYLOAD);

      // Assess
      expect(signature).toBe(new AckIdSigner(key(2)).sign(PAYLOAD));
      expect(signature).not.toBe(new AckIdSigner(key(1)).sign(PAYLOAD));
    });
  });

  describe('Method: verify', () => {
    const signer = new AckIdSigner(key(1));
    const signature = signer.sign(PAYLOAD);

    it('accepts the signature it made', () => {
      // Act
      const valid = signer.verify(PAYLOAD, signature);

      // Assess
      expect(valid).toBe(true);
    });

    it.each([
      { case: 'one character of the payload changed', payload: `${PAYLOAD.slice(0, -1)}A`, signature },
      { case: 'the payload cut short', payload: PAYLOAD.slice(0, -1), signature },
      { case: 'one character of the signature changed', payload: PAYLOAD, signature: `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}` },
      { case: 'a signature made with another key', payload: PAYLOAD, signature: new AckIdSigner(key(9)).sign(PAYLOAD) },
      { case: 'an empty signature', payload: PAYLOAD, signature: '' },
      { case: 'the signature cut to 21 characters', payload: PAYLOAD, signature: signature.slice(0, 21) },
      { case: 'the signature with characters appended', payload: PAYLOAD, signature: `${signature}AAAA` },
      { case: 'a signature with characters base64url does not have', payload: PAYLOAD, signature: `${signature.slice(0, 20)}+/` },
    ])('refuses $case', ({ payload, signature: given }) => {
      // Act
      const valid = signer.verify(payload, given);

      // Assess
      expect(valid).toBe(false);
    });

    it('accepts a signature made with a previous key, and with the current one', () => {
      // Prepare
      const rotated = new AckIdSigner(key(2), [key(1)]);

      // Act
      const [beforeRotation, afterRotation] = [rotated.verify(PAYLOAD, signature), rotated.verify(PAYLOAD, rotated.sign(PAYLOAD))];

      // Assess
      expect({ beforeRotation, afterRotation }).toEqual({ beforeRotation: true, afterRotation: true });
    });

    it('refuses a signature of a key rotated out (older than the previous one)', () => {
      // Prepare
      const twiceRotated = new AckIdSigner(key(3), [key(2)]);

      // Act
      const valid = twiceRotated.verify(PAYLOAD, signature);

      // Assess
      expect(valid).toBe(false);
    });
  });
});
