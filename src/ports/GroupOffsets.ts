/** Committed read positions of Kafka-style consumer groups (offset = next to read). */
export interface GroupOffsets {
  commit(topic: string, group: string, offsets: ReadonlyArray<{ partition: number; offset: number }>): Promise<void>;
  /** Committed offset per partition; partitions never committed are absent. */
  get(topic: string, group: string): Promise<Map<number, number>>;
}
