/**
 * `serviceflow/postgres`: the PostgreSQL snapshot store, for a server through `pg` or embedded
 * through PGlite. Neither driver is loaded by this entry: pass the client you created.
 *
 * @module serviceflow/postgres
 */
export { migrate, postgresStore } from './stores/postgres.js';
export type { MigrateOptions, PostgresClient, PostgresQueryResult, PostgresStoreOptions } from './stores/postgres.js';
