import { InvalidPathError } from '../../domain/errors.js';

/** Longest request path accepted: every route's path is far shorter. */
export const MAX_PATH_LENGTH = 2048;

/** Percent-decodes until nothing changes (at most a few rounds), so `%252e` is judged as `.` too. */
function fullyDecoded(segment: string): string {
  let current = segment;
  for (let round = 0; round < 4; round += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

/**
 * Checks a request path as the client sent it, before any routing. Routing then
 * works on exactly these bytes, so a path can only ever name the resource it
 * spells out: nothing collapses `..`, and no later step decodes a segment into
 * another route.
 *
 * Refused with 400 InvalidName: a path that does not start with a single `/`
 * (`//x/v1/...`, an absolute URL, `*`), an empty segment (`/v1//topics`), and a
 * segment that is `.` or `..` raw or percent-encoded in any case or depth
 * (`%2e%2E`, `%252e`). A trailing `/` is an empty segment too: every resource has one
 * spelling.
 *
 * @example
 * checkRequestPath('/v1/topics/orders');                  // fine
 * checkRequestPath('/v1/topics/victim/subscriptions/%2e%2e'); // throws InvalidPathError
 */
export function checkRequestPath(path: string): void {
  if (path.length > MAX_PATH_LENGTH) throw new InvalidPathError(path, `is ${path.length} characters long; at most ${MAX_PATH_LENGTH} are allowed`);
  if (!path.startsWith('/')) throw new InvalidPathError(path, 'must start with "/"');
  if (path.startsWith('//')) throw new InvalidPathError(path, 'must start with a single "/"');
  const segments = path === '/' ? [] : path.slice(1).split('/');
  segments.forEach((segment, index) => {
    if (segment === '') throw new InvalidPathError(path, `has an empty segment at position ${index + 1}${index === segments.length - 1 ? ' (a trailing "/")' : ''}`);
    const decoded = fullyDecoded(segment);
    if (decoded === '.' || decoded === '..') throw new InvalidPathError(path, `has the dot segment ${JSON.stringify(segment)} at position ${index + 1}`);
    if (/[\u0000-\u001f\u007f]/.test(decoded)) throw new InvalidPathError(path, `has a control character in segment ${index + 1}`);
  });
}
