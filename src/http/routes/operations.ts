import { publicAccess } from '../access.js';
import { ok, type ApiRoute } from '../types.js';

/** Health and Prometheus metrics. */
export const operationRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/healthz',
    access: publicAccess,
    operation: async () => ok({ status: 'ok' }),
  },
  {
    method: 'GET',
    path: '/metrics',
    access: { kind: 'metrics' },
    operation: async (_request, { metrics }) => ({ status: 200, text: await metrics.exposition() }),
  },
];
