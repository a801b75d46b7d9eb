import { PublishLimits } from '../../domain/constants.js';
import type { MessageToPublish } from './messageOfLine.js';

/** Messages of consecutive input lines, sent as one publish request. */
export interface Batch {
  /** 0, 1, 2, … in input order. */
  readonly sequence: number;
  readonly messages: readonly MessageToPublish[];
  /** Input lines of the first and the last message (0 for messages that came from flags). */
  readonly firstLine: number;
  readonly lastLine: number;
  /** The line of each message, to name the line an API error points at (`messages[3]`). */
  readonly lines: readonly number[];
  /** Bytes of the request body `{"messages":[…]}`. */
  readonly requestBytes: number;
  /** Input bytes the batch's lines took. */
  readonly inputBytes: number;
}

export interface BatchLimits {
  readonly messages: number;
  readonly requestBytes: number;
}

/** What one publish request may hold (README, Limits). */
export const PUBLISH_REQUEST_LIMITS: BatchLimits = { messages: PublishLimits.messagesPerRequest.max, requestBytes: PublishLimits.requestBytes };

/** `{"messages":[` and `]}` around the messages, which are separated by commas. */
const ENVELOPE_BYTES = '{"messages":[]}'.length;

/**
 * Groups messages into publish requests in input order: a batch is closed when
 * one more message would pass the message count or the request body's byte
 * limit (counted on the JSON the request will carry). A message too large for
 * any request goes alone, for the API to refuse with its own answer.
 *
 * @example
 * const batcher = new Batcher();
 * const full = batcher.add(message, line.number, line.bytes); // a Batch once one is complete
 * const last = batcher.flush();
 */
export class Batcher {
  private messages: MessageToPublish[] = [];
  private lines: number[] = [];
  /** The messages' JSON and the commas between them. */
  private contentBytes = 0;
  private inputBytes = 0;
  private sequence = 0;

  public constructor(private readonly limits: BatchLimits = PUBLISH_REQUEST_LIMITS) {}

  /** Adds a message; returns the batch it closed, if adding it closed one. */
  public add(message: MessageToPublish, line: number, inputBytes: number): Batch | undefined {
    const bytes = Buffer.byteLength(JSON.stringify(message));
    const count = this.messages.length;
    const full = count === this.limits.messages || (count > 0 && ENVELOPE_BYTES + this.contentBytes + 1 + bytes > this.limits.requestBytes);
    const closed = full ? this.flush() : undefined;
    this.contentBytes += (this.messages.length === 0 ? 0 : 1) + bytes;
    this.messages.push(message);
    this.lines.push(line);
    this.inputBytes += inputBytes;
    return closed;
  }

  /** The batch in hand, if it holds anything. */
  public flush(): Batch | undefined {
    if (this.messages.length === 0) return undefined;
    const batch: Batch = {
      sequence: this.sequence,
      messages: this.messages,
      firstLine: this.lines[0]!,
      lastLine: this.lines.at(-1)!,
      lines: this.lines,
      requestBytes: ENVELOPE_BYTES + this.contentBytes,
      inputBytes: this.inputBytes,
    };
    this.sequence += 1;
    this.messages = [];
    this.lines = [];
    this.contentBytes = 0;
    this.inputBytes = 0;
    return batch;
  }
}
