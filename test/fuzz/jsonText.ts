/**
 * JSON text that JSON.stringify cannot produce: 5,000 nested brackets (which
 * would overflow a recursive serializer), numbers such as `1e400`, `-0` or
 * `18446744073709551616` exactly as written. Spliced into a body as is.
 */
export class RawJson {
  public constructor(
    public readonly text: string,
    /** How the value is shown in a counterexample. */
    public readonly label: string = text.length > 40 ? `${text.slice(0, 20)}…(${text.length} chars)` : text,
  ) {}
}

/**
 * A value the broker handed out earlier (an ack id from a pull, a message id),
 * picked when the request is sent: generation stays pure and replayable, and
 * the request still reaches real leases and dead letters.
 */
export class Recent {
  public constructor(
    /** The pool, named after the field it fills: `ackIds`, `ids`. */
    public readonly pool: string,
    public readonly index: number,
  ) {}
}

/** Resolves a Recent value; `undefined` when its pool is empty. */
export type RecentLookup = (pool: string, index: number) => string | undefined;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawJson) && !(value instanceof Recent);
}

/**
 * Serializes a body that may hold RawJson and Recent values. A Recent whose pool
 * is still empty becomes a string no server ever issued.
 */
export function toJsonText(value: unknown, recent: RecentLookup): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof Recent) return JSON.stringify(recent(value.pool, value.index) ?? `never-issued-${value.pool}-${value.index}`);
  if (Array.isArray(value)) return `[${value.map((item) => toJsonText(item, recent)).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item, recent)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A short rendering for counterexamples: long strings and RawJson shown by size. */
export function preview(value: unknown, max = 300): string {
  const text = toJsonText(
    JSON.parse(
      JSON.stringify(value, (_key, item: unknown) => {
        if (item instanceof RawJson) return `«${item.label}»`;
        if (item instanceof Recent) return `«recent ${item.pool}[${item.index}]»`;
        if (typeof item === 'string' && item.length > 60) return `«${JSON.stringify(item.slice(0, 12)).slice(1, -1)}… ${item.length} chars»`;
        return item;
      }) ?? 'null',
    ),
    () => undefined,
  );
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
