import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Bytes of HMAC-SHA-256 an ack id keeps: 128 bits, so a guess is right once in 2^128 tries. */
const SIGNATURE_BYTES = 16;
/** Base64url characters of a signature (16 bytes, no padding). */
const SIGNATURE_LENGTH = Math.ceil((SIGNATURE_BYTES * 4) / 3);
/** Binds every signature to this use of the key, should the key ever sign anything else. */
const CONTEXT = 'conveyor/sqs-ack-id\u0000';

/**
 * Signs and checks the ack ids of the AWS backend with HMAC-SHA-256, truncated
 * to 16 bytes, in base64url. It signs with the current key and accepts a
 * signature made with the current key or with any previous one (a rotated
 * key's ids stay valid until their leases end). No I/O: the keys come in as bytes.
 *
 * @example
 * const signer = new AckIdSigner(Buffer.from(secretString, 'utf8'));
 * const signature = signer.sign(payload);
 * signer.verify(payload, signature); // true
 */
export class AckIdSigner {
  /** Keys shorter than this are refused: HMAC-SHA-256 wants at least its output's 32 bytes of key. */
  public static readonly minKeyBytes = 32;
  /** Length of a signature in base64url characters. */
  public static readonly signatureLength = SIGNATURE_LENGTH;

  private readonly current: KeyObject;
  private readonly accepted: readonly KeyObject[];

  /**
   * @param currentKey - signs new ack ids, and verifies them.
   * @param previousKeys - verify ack ids signed before a rotation; never sign.
   * @throws RangeError when a key is shorter than `minKeyBytes`.
   */
  public constructor(currentKey: Uint8Array, previousKeys: readonly Uint8Array[] = []) {
    const keys = [currentKey, ...previousKeys].map((key, index) => {
      if (key.byteLength < AckIdSigner.minKeyBytes) {
        throw new RangeError(`an ack-id signing key must have at least ${AckIdSigner.minKeyBytes} bytes, but key ${index} has ${key.byteLength}`);
      }
      return createSecretKey(Buffer.from(key));
    });
    this.current = keys[0]!;
    this.accepted = keys;
  }

  /** The signature of `payload` under the current key: 22 base64url characters. */
  public sign(payload: string): string {
    return this.mac(this.current, payload).toString('base64url');
  }

  /**
   * Whether `signature` is the signature of `payload` under one of the keys.
   * Every key is tried, each comparison in constant time, so the answer's
   * timing says nothing about how much of a forged signature was right.
   */
  public verify(payload: string, signature: string): boolean {
    if (signature.length !== SIGNATURE_LENGTH) return false;
    const given = Buffer.from(signature, 'base64url');
    // Base64url decoding skips characters it does not know: only the canonical spelling counts.
    if (given.length !== SIGNATURE_BYTES || given.toString('base64url') !== signature) return false;
    let valid = false;
    for (const key of this.accepted) valid = timingSafeEqual(this.mac(key, payload), given) || valid;
    return valid;
  }

  private mac(key: KeyObject, payload: string): Buffer {
    return createHmac('sha256', key).update(CONTEXT).update(payload, 'utf8').digest().subarray(0, SIGNATURE_BYTES);
  }
}

/** How an adapter gets its signer: the key may have to be read first (AckIdKeySecret), so it is asked for when needed. */
export type LoadAckIdSigner = () => Promise<AckIdSigner>;
