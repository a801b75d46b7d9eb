import type { GroupOffsets } from '../../ports/GroupOffsets.js';
import type { SqliteStore } from './SqliteStore.js';

/** Consumer groups' committed offsets, one row per (topic, group, partition). */
export class SqliteGroupOffsets implements GroupOffsets {
  public constructor(private readonly store: SqliteStore) {}

  public commit(topic: string, group: string, offsets: ReadonlyArray<{ partition: number; offset: number }>): Promise<void> {
    return this.store.writer.submit(() => {
      const topicId = this.store.topicId(topic);
      const upsert = this.store.statement(
        'INSERT INTO group_offsets (topic_id, name, partition, offset) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET offset = excluded.offset',
      );
      for (const { partition, offset } of offsets) upsert.run(topicId, group, partition, offset);
    });
  }

  public async get(topic: string, group: string): Promise<Map<number, number>> {
    return this.store.read(() => {
      const rows = this.store
        .statement('SELECT partition, offset FROM group_offsets WHERE topic_id = (SELECT id FROM topics WHERE name = ?) AND name = ?')
        .all(topic, group) as Array<{ partition: number; offset: number }>;
      return new Map(rows.map((row) => [row.partition, row.offset]));
    });
  }
}
