/**
 * Stands in for better-sqlite3 in the Lambda bundles. The functions run the AWS
 * backend only, but `processServices` can still reach the embedded one through a
 * dynamic import, and an ESM bundle turns an external package imported anywhere
 * into a top-level import: left external, better-sqlite3 (which Lambda lacks)
 * would fail every cold start. Bundled in its place, this fails only if used.
 */
export default class BetterSqlite3Unavailable {
  constructor() {
    throw new Error('the embedded SQLite backend is not part of the Lambda bundles; set CONVEYOR_BACKEND=aws');
  }
}
