import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { StorageError } from '../../domain/errors.js';

/**
 * How a record batch's messages are stored compressed, as Kafka compresses
 * its record batches: the JSON text of the message list, deflated (raw
 * DEFLATE, no header), in a binary attribute, with the codec's name beside it
 * so that a later version can add another (zstd reaches Node's zlib in 22).
 *
 * DynamoDB bills writes per KB of the item and reads per 4 KB, so what the
 * codec removes is what a write and a read cost less. JSON bodies published
 * together share their field names and much of their text: ten 1 KiB order
 * events deflate to about a third. A batch is stored compressed only when
 * that is smaller; random bytes stay as they are.
 */
export const BATCH_CODEC = 'deflate';

/** Compressing a few hundred bytes saves no write unit worth the CPU. */
const COMPRESS_FROM_BYTES = 512;

/** The compressed text when it is smaller than `bytes` (what the list costs stored as it is), else null. */
export function compressBatch(messagesJson: string, bytes: number): Uint8Array | null {
  if (bytes < COMPRESS_FROM_BYTES) return null;
  const compressed = deflateRawSync(messagesJson);
  return compressed.byteLength < bytes ? compressed : null;
}

/**
 * The JSON text of a compressed batch's messages. The binary value is bytes
 * when it comes from the SDK and base64 text when it comes from a Lambda event
 * (a DynamoDB stream record in JSON). A codec this version does not know
 * means a newer version wrote the batch: reading on would skip messages.
 */
export function decompressBatch(codec: unknown, value: unknown): string {
  if (codec !== BATCH_CODEC) throw new StorageError(`a log item's messages are compressed with ${JSON.stringify(codec)}, which this version of Conveyor cannot read (it reads ${JSON.stringify(BATCH_CODEC)})`);
  if (typeof value === 'string') return inflateRawSync(Buffer.from(value, 'base64')).toString('utf8');
  if (value instanceof Uint8Array) return inflateRawSync(value).toString('utf8');
  throw new StorageError('a compressed log item has no binary value of messages');
}
