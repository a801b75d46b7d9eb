/** RFC 3339 in UTC with milliseconds: the one timestamp format of the API. */
export function toRfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
