/**
 * The smallest n in [lo, hi) for which `isAtOrAfter(n)` holds, or `hi` when
 * none does, given that it is false up to some point and true from there on.
 * Each probe is one request, so a lookup costs O(log(hi - lo)) of them.
 *
 * @example
 * const oldest = await firstTrue(0, head, async (offset) => isRetained(await getItem(offset)));
 */
export async function firstTrue(lo: number, hi: number, isAtOrAfter: (n: number) => Promise<boolean>): Promise<number> {
  let low = lo;
  let high = hi;
  while (low < high) {
    const mid = low + Math.floor((high - low) / 2);
    if (await isAtOrAfter(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}
