import { NAME_PATTERN } from '../domain/constants.js';

/** What a topic grant allows. Each route needs one of these on its topic (see src/http/routes). */
export const Action = {
  /** Publish messages; cancel delayed messages. */
  Publish: 'publish',
  /** Pull, ack, nack, extend; read the log; commit and read group offsets; list dead letters and delayed messages. */
  Consume: 'consume',
  /** Create, change and delete topics, subscriptions and schedules; seek; redrive and delete dead letters; list and cancel delayed messages. */
  Manage: 'manage',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

const ACTIONS: readonly string[] = Object.values(Action);

/**
 * One permission of a token: `admin` (everything), `metrics` (GET /metrics), or
 * an action on the topics a pattern names (`publish:orders`, `consume:orders-*`,
 * `manage:*`).
 */
export type Grant =
  | { readonly kind: 'admin' }
  | { readonly kind: 'metrics' }
  | { readonly kind: 'topic'; readonly action: Action; readonly pattern: string };

/** A topic name, `*`, or a prefix of a topic name followed by `*`. */
const PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,46}\*$/;

export const GRANT_SYNTAX = '"admin", "metrics", or ACTION:TOPIC_PATTERN with ACTION publish, consume or manage and TOPIC_PATTERN a topic name, "*" or a prefix ending in "*"';

/**
 * Reads a grant as the token file and JWT scopes spell it; null when it is not one.
 *
 * @example
 * parseGrant('consume:orders-*'); // { kind: 'topic', action: 'consume', pattern: 'orders-*' }
 * parseGrant('delete:orders');    // null
 */
export function parseGrant(text: string): Grant | null {
  if (text === 'admin' || text === 'metrics') return { kind: text };
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const action = text.slice(0, colon);
  const pattern = text.slice(colon + 1);
  if (!ACTIONS.includes(action)) return null;
  if (pattern !== '*' && !NAME_PATTERN.test(pattern) && !PREFIX_PATTERN.test(pattern)) return null;
  return { kind: 'topic', action: action as Action, pattern };
}

export function formatGrant(grant: Grant): string {
  return grant.kind === 'topic' ? `${grant.action}:${grant.pattern}` : grant.kind;
}

/** Whether a topic pattern names a topic: exactly, `*` for all, or `prefix*` for every name starting with the prefix. */
export function patternCovers(pattern: string, topic: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return topic.startsWith(pattern.slice(0, -1));
  return pattern === topic;
}
