import { InvalidRequestError, preview } from './errors.js';
import type { Topic } from './types.js';

/**
 * Where a paged listing continues: the position of the last item a page
 * returned, with the scope it belongs to (what was listed: a topic's
 * incarnation, `topicScope`), handed to the client as an opaque string
 * (base64url of JSON) and read back when it asks for the next page. Each
 * store keeps its own position in it; clients only pass it on.
 *
 * @example
 * const cursor = encodeCursor(topicScope(topic), [1767225600000, 42]);
 * decodeCursor(cursor, topicScope(topic), (value) => (isPosition(value) ? value : null)); // [1767225600000, 42]
 */
export function encodeCursor(scope: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ scope, position }), 'utf8').toString('base64url');
}

/** The scope of a listing of one topic: its name and creation time, so a cursor outlives neither a rename nor a re-creation. */
export function topicScope(topic: Pick<Topic, 'name' | 'createdAt'>): string {
  return `${topic.name}@${topic.createdAt}`;
}

/**
 * The position in a cursor of `scope`, as `read` accepts it (null: not one
 * of this listing's). Throws InvalidRequestError naming the cursor otherwise,
 * so a cursor of another listing or another topic, or an edited one, is a 400
 * that changes nothing.
 */
export function decodeCursor<T>(cursor: string, scope: string, read: (value: unknown) => T | null): T {
  let value: unknown = null;
  if (/^[A-Za-z0-9_-]+$/.test(cursor)) {
    try {
      value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    } catch {
      value = null;
    }
  }
  const scoped = typeof value === 'object' && value !== null && 'scope' in value && 'position' in value ? value : null;
  if (scoped !== null && scoped.scope !== scope) {
    throw new InvalidRequestError(`query.cursor must be a nextCursor this listing answered, but ${preview(cursor)} was provided, a cursor of another topic`);
  }
  const position = scoped === null ? null : read(scoped.position);
  if (position === null) throw new InvalidRequestError(`query.cursor must be a nextCursor this listing answered, but ${preview(cursor)} was provided`);
  return position;
}
