import { fail } from './diagnostics.js';

/**
 * Conveyor's own limits (EventBridge has different, larger ones). A pattern is evaluated
 * for every message of its topic, so these keep one subscriber from buying unbounded
 * work per message:
 * - `maxBytes`: size of the pattern serialised as UTF-8 JSON;
 * - `maxDepth`: nesting of pattern objects; the top-level object is level 1, and a nested
 *   field object or a `$or` alternative is one level deeper than the object holding it;
 * - `maxLeafValues`: entries across all leaf arrays, counted over every `$or` branch.
 */
export const PatternLimits = {
  maxBytes: 4096,
  maxDepth: 10,
  maxLeafValues: 200,
} as const;

export function checkSerializedSize(pattern: unknown, path: string): void {
  let json: string;
  try {
    json = JSON.stringify(pattern);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(path, `a filter must be plain JSON, but serialising it failed (${reason})`);
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > PatternLimits.maxBytes) {
    fail(
      path,
      `the pattern is ${bytes} bytes as JSON, over Conveyor's limit of ${PatternLimits.maxBytes} bytes`,
    );
  }
}

export function checkDepth(depth: number, path: string): void {
  if (depth > PatternLimits.maxDepth) {
    fail(
      path,
      `the pattern nests objects deeper than Conveyor's limit of ${PatternLimits.maxDepth} levels`,
    );
  }
}

/** Counts leaf entries as compilation walks the pattern. */
export class LeafBudget {
  private used = 0;

  public spend(count: number, path: string): void {
    this.used += count;
    if (this.used > PatternLimits.maxLeafValues) {
      fail(
        path,
        `the pattern has more than ${PatternLimits.maxLeafValues} match values, Conveyor's limit`,
      );
    }
  }
}
