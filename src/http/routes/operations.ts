import { ok, type ApiRoute } from '../types.js';

/** Health and Prometheus metrics. */
export const operationRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/healthz',
    operation: async () => ok({ status: 'ok' }),
  },
  {
    method: 'GET',
    path: '/metrics',
    operation: async (_request, { metrics }) => ({ status: 200, text: await metrics.exposition() }),
  },
];
