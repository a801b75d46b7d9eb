import type { Action } from '../access/grants.js';
import type { Principal } from '../access/Principal.js';
import { name } from './validate.js';

/**
 * What a route needs from its caller, declared next to the route. Decisions use
 * names from the path only, before any lookup, so a refused caller learns
 * nothing about what exists and nothing changes.
 */
export type RouteAccess =
  /** Anyone, even without a token (`GET /healthz`). */
  | { readonly kind: 'public' }
  /** The `metrics` grant (or admin). */
  | { readonly kind: 'metrics' }
  /** One of `actions` on the topic named in the path (most routes name one). */
  | { readonly kind: 'topic'; readonly actions: readonly Action[] }
  /** Any grant on the topic named in the path (describing a topic and its subscriptions). */
  | { readonly kind: 'topicSight' }
  /** Any authenticated caller; the operation narrows what it shows or checks the topic it finds (lists, schedules). */
  | { readonly kind: 'caller' };

export const publicAccess: RouteAccess = { kind: 'public' };
export const callerAccess: RouteAccess = { kind: 'caller' };
export const topicSight: RouteAccess = { kind: 'topicSight' };
/** Any one of `actions` on the path's topic, e.g. `onTopic(Action.Consume, Action.Manage)`. */
export const onTopic = (...actions: [Action, ...Action[]]): RouteAccess => ({ kind: 'topic', actions });

/** Throws Forbidden (403) when the caller may not make this request; InvalidName (400) for a bad topic name first. */
export function authorize(access: RouteAccess, params: Readonly<Record<string, string | undefined>>, principal: Principal): void {
  switch (access.kind) {
    case 'public':
    case 'caller':
      return;
    case 'metrics':
      principal.requireMetrics();
      return;
    case 'topic':
      principal.requireAny(access.actions, name('topic', params['topic']));
      return;
    case 'topicSight':
      principal.requireSight(name('topic', params['topic']));
      return;
  }
}
