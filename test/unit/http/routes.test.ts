import { apiRoutes } from '../../../src/http/routes/index.js';
import { listOperations, loadOpenApi } from '../../helpers/openapi.js';

describe('Constant: apiRoutes', () => {
  const served = apiRoutes.map((route) => `${route.method} ${route.path}`).sort();
  const documented = listOperations(loadOpenApi())
    .map((operation) => `${operation.method.toUpperCase()} ${operation.path}`)
    .sort();

  it('serves every operation that docs/openapi.yaml documents', () => {
    expect(documented.filter((operation) => !served.includes(operation))).toEqual([]);
  });

  it('documents every route it serves in docs/openapi.yaml', () => {
    expect(served.filter((operation) => !documented.includes(operation))).toEqual([]);
  });

  it('declares each method and path once', () => {
    expect(new Set(served).size).toBe(served.length);
  });
});
