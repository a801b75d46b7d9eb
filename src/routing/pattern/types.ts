/** A compiled event pattern, ready to test events against. */
export interface CompiledPattern {
  /**
   * Whether `event` satisfies the pattern. Never throws: anything that is not a JSON
   * object simply does not match.
   */
  matches(event: unknown): boolean;
}

/** The JSON scalars an event can hold at a leaf; the only thing value tests ever see. */
export type LeafValue = string | number | boolean | null;

/** One match value of a leaf, applied to a single scalar taken from the event. */
export type ValueTest = (value: LeafValue) => boolean;

/**
 * A compiled entry of a leaf array. `exists` is kept apart from value tests because it
 * asks about the whole field (is there any leaf value at all?), not about one value.
 */
export type LeafCondition =
  | { readonly kind: 'value'; readonly test: ValueTest }
  | { readonly kind: 'exists'; readonly present: boolean };

/**
 * Tests the value found at one position of the event. `undefined` stands for "the field
 * is absent", which is what a JSON event can never hold as a value.
 */
export type NodeMatcher = (value: unknown) => boolean;

/** Outcome of parsing a self-contained operand (wildcard, CIDR) that knows no paths. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };
