import type { ApiRoute } from '../types.js';
import { delayedRoutes } from './delayed.js';
import { operationRoutes } from './operations.js';
import { scheduleRoutes } from './schedules.js';
import { subscriptionRoutes } from './subscriptions.js';
import { topicRoutes } from './topics.js';

/** Every route of HTTP API v1; docs/openapi.yaml describes exactly these. */
export const apiRoutes: readonly ApiRoute[] = [...topicRoutes, ...delayedRoutes, ...subscriptionRoutes, ...scheduleRoutes, ...operationRoutes];

/** Paths served to anyone, token or not: the server in front skips authentication for them. */
export const publicPaths: ReadonlySet<string> = new Set(apiRoutes.filter((route) => route.access.kind === 'public').map((route) => route.path));
