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
 * together share their field names and much of their text: 1 KiB order events
 * deflate to 40 % of their size three at a time and to 27 % twenty-five at a
 * time; random bytes as base64 text to about 75 %. A batch is stored
 * compressed only when that is smaller.
 */
export const BATCH_CODEC = 'deflate';

/**
 * How writers store record batches. `none` keeps every batch's messages as a
 * list, as versions before compression wrote them: Kafka's way of upgrading a
 * log format (pin the old one until every reader runs the new version). A
 * deployment upgrading from such a version sets it for one deploy, so that no
 * function still on the old code meets a batch it cannot read (it would pass
 * over it), then removes it. Once batches are stored compressed, the
 * deployment cannot go back to such a version.
 */
export const LOG_COMPRESSIONS = [BATCH_CODEC, 'none'] as const;
export type LogCompression = (typeof LOG_COMPRESSIONS)[number];

/** The environment variable by which the stack tells its functions how to store record batches (the `logCompression` prop). */
export const LOG_COMPRESSION_ENV = 'CONVEYOR_LOG_COMPRESSION';

/** Compressing a few hundred bytes saves no write unit worth the CPU. */
const COMPRESS_FROM_BYTES = 512;

/**
 * The compressed text when it is smaller than `bytes` (what the list costs
 * stored as it is), else null.
 *
 * @example
 * const z = compressBatch(JSON.stringify(messages), listBytes); // null for a batch of a few hundred bytes
 */
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
 *
 * @example
 * const messages = JSON.parse(decompressBatch(item.c, item.z)) as BatchedMessage[];
 */
export function decompressBatch(codec: unknown, value: unknown): string {
  if (codec !== BATCH_CODEC) throw new StorageError(`a log item's messages are compressed with ${JSON.stringify(codec)}, which this version of Conveyor cannot read (it reads ${JSON.stringify(BATCH_CODEC)})`);
  if (typeof value === 'string') return inflateRawSync(Buffer.from(value, 'base64')).toString('utf8');
  if (value instanceof Uint8Array) return inflateRawSync(value).toString('utf8');
  throw new StorageError('a compressed log item has no binary value of messages');
}
