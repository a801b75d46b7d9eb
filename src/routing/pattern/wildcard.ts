import type { Parsed } from './types.js';

export type TextTest = (value: string) => boolean;

/**
 * Compiles an EventBridge wildcard: `*` stands for any run of characters (none included,
 * dots included), `\*` is a literal star and `\\` a literal backslash. As in EventBridge,
 * `**` and any other backslash escape are rejected, so every pattern has one reading.
 *
 * Matching is a left-to-right scan for the literal pieces rather than a RegExp: a regular
 * expression with many stars can backtrack polynomially on a hostile message.
 */
export function compileWildcard(source: string): Parsed<TextTest> {
  const pieces: string[] = [];
  let current = '';
  let previousWasStar = false;
  for (let index = 0; index < source.length; index += 1) {
    const char = source.charAt(index);
    if (char === '*') {
      if (previousWasStar) {
        return { ok: false, reason: 'consecutive "*" wildcards are not allowed' };
      }
      pieces.push(current);
      current = '';
      previousWasStar = true;
      continue;
    }
    previousWasStar = false;
    if (char !== '\\') {
      current += char;
      continue;
    }
    const escaped = source.charAt(index + 1);
    if (escaped !== '*' && escaped !== '\\') {
      const shown = escaped === '' ? 'the end of the pattern' : JSON.stringify(escaped);
      return {
        ok: false,
        reason: `a backslash may only escape "*" or "\\", but it is followed by ${shown}`,
      };
    }
    current += escaped;
    index += 1;
  }
  pieces.push(current);
  return { ok: true, value: matcherFor(pieces) };
}

// `pieces` are the literal runs between stars; one piece means there was no star at all.
function matcherFor(pieces: readonly string[]): TextTest {
  const first = pieces[0] ?? '';
  if (pieces.length === 1) {
    return (value) => value === first;
  }
  const last = pieces[pieces.length - 1] ?? '';
  const middle = pieces.slice(1, -1);
  return (value) => {
    const end = value.length - last.length;
    if (end < first.length || !value.startsWith(first) || !value.endsWith(last)) {
      return false;
    }
    // Taking the leftmost occurrence of each piece is always safe: a star can absorb
    // whatever lies between, so an earlier fit never rules out a later one.
    let position = first.length;
    for (const piece of middle) {
      const found = value.indexOf(piece, position);
      if (found === -1 || found + piece.length > end) {
        return false;
      }
      position = found + piece.length;
    }
    return true;
  };
}
