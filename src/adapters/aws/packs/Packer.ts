import { packDetail, packHead } from './packFormat.js';

/** One message of a pack: its queued JSON text and the stream record it came from. */
export interface PackedMessage {
  readonly record: number;
  readonly text: string;
}

/** One pack to put on the bus: the first stream record it holds a message of, its topic, its detail text, and what the detail is made of. */
export interface PackedEvent {
  readonly record: number;
  readonly topic: string;
  readonly detail: string;
  readonly to: readonly string[];
  readonly messages: readonly PackedMessage[];
}

interface OpenPack {
  readonly record: number;
  readonly topic: string;
  readonly to: readonly string[];
  readonly messages: PackedMessage[];
  bytes: number;
}

/**
 * Groups a relay invocation's messages into packs: one per topic and set of
 * subscriptions, each as large as `maxDetailBytes(topic)` allows (a full pack
 * is closed and another opened). Messages keep their order within a pack.
 *
 * @example
 * const packer = new Packer((topic) => 200_000);
 * packer.add(0, 'orders', ['conveyor-s-1', 'conveyor-s-2'], encodeQueuedMessage(message));
 * const events = packer.packs();
 */
export class Packer {
  private readonly open = new Map<string, OpenPack>();
  private readonly closed: PackedEvent[] = [];

  public constructor(private readonly maxDetailBytes: (topic: string) => number) {}

  /** Adds a message (its queued JSON text) for the subscriptions `to`; false when it would not fit a pack even alone. */
  public add(record: number, topic: string, to: readonly string[], text: string): boolean {
    const textBytes = Buffer.byteLength(text);
    const emptyBytes = Buffer.byteLength(packHead(to)) + 2;
    const limit = this.maxDetailBytes(topic);
    if (emptyBytes + textBytes > limit) return false;
    const key = `${topic}\u0000${to.join('\u0000')}`;
    let pack = this.open.get(key);
    if (pack !== undefined && pack.bytes + 1 + textBytes > limit) {
      this.close(pack);
      pack = undefined;
    }
    if (pack === undefined) {
      pack = { record, topic, to, messages: [], bytes: emptyBytes };
      this.open.set(key, pack);
    }
    pack.bytes += textBytes + (pack.messages.length > 0 ? 1 : 0);
    pack.messages.push({ record, text });
    return true;
  }

  /** Every pack, the open ones closed, in the order of their first records. */
  public packs(): PackedEvent[] {
    for (const pack of this.open.values()) this.close(pack);
    this.open.clear();
    return [...this.closed].sort((a, b) => a.record - b.record);
  }

  private close(pack: OpenPack): void {
    this.closed.push({ record: pack.record, topic: pack.topic, to: pack.to, messages: pack.messages, detail: packDetail(pack.to, pack.messages.map(({ text }) => text)) });
  }
}
