import { InvalidRequestError, preview } from './errors.js';

/**
 * Where a paged listing continues: the position of the last item a page
 * returned, handed to the client as an opaque string (base64url of JSON) and
 * read back when it asks for the next page. Each store keeps its own position
 * in it; clients only pass it on.
 *
 * @example
 * const cursor = encodeCursor([1767225600000, 42]);
 * decodeCursor(cursor, (value) => (isPosition(value) ? value : null)); // [1767225600000, 42]
 */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * The position in a cursor, as `read` accepts it (null: not one of this
 * listing's). Throws InvalidRequestError naming the cursor otherwise, so a
 * cursor of another listing, or an edited one, is a 400 that changes nothing.
 */
export function decodeCursor<T>(cursor: string, read: (value: unknown) => T | null): T {
  let value: unknown = null;
  if (/^[A-Za-z0-9_-]+$/.test(cursor)) {
    try {
      value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    } catch {
      value = null;
    }
  }
  const position = value === null ? null : read(value);
  if (position === null) throw new InvalidRequestError(`query.cursor must be a nextCursor this listing answered, but ${preview(cursor)} was provided`);
  return position;
}
