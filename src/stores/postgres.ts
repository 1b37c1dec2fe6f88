import { ConflictError, InvalidConfigError, InvalidInputError, abbreviate } from '../errors.js';
import {
  checkQueryInteger,
  checkSnapshotWrite,
  createConflict,
  parkEntry,
  saveConflict,
  type CheckedSnapshotWrite,
  type JournalEntry,
  type ParkReason,
  type ParkedSnapshot,
  type SnapshotStore,
  type SnapshotWrite,
  type StoredSnapshot,
} from './store.js';

// Neither `pg` nor `@electric-sql/pglite` is imported here, not even as types: the client is
// duck-typed, so a host installs only the driver it uses and the published types need neither.

/**
 * The result shape both drivers return: `pg`'s `QueryResult` and PGlite's `Results`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import type { PostgresQueryResult } from 'serviceflow/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const result: PostgresQueryResult = await pool.query('SELECT 1 AS one');
 * ```
 */
export interface PostgresQueryResult {
  readonly rows: readonly unknown[];
}

/**
 * What {@link postgresStore} and {@link migrate} talk to: a `pg` `Pool`, a connected `pg` `Client`
 * or `PoolClient`, or a PGlite instance. All of them have `query(text, params)`.
 *
 * A `Pool` is recognised by `connect()` + `totalCount`, PGlite by `transaction()`; anything else
 * is used as one connection. Store calls are single statements, so sharing one connection with
 * the host is safe; `migrate` opens a transaction on it.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { PGlite } from '@electric-sql/pglite';
 * import type { PostgresClient } from 'serviceflow/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const clients: PostgresClient[] = [pool, await pool.connect(), new PGlite()];
 * ```
 */
export interface PostgresClient {
  query(text: string, params?: unknown[]): Promise<PostgresQueryResult>;
}

/**
 * Where the tables live. Shared by {@link postgresStore} and {@link migrate}: pass the same.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, postgresStore, type PostgresStoreOptions } from 'serviceflow/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const options: PostgresStoreOptions = { schema: 'helpdesk', tablePrefix: 'sf_' }; // helpdesk.sf_snapshots
 * await migrate(pool, options);
 * const store = postgresStore(pool, options);
 * ```
 */
export interface PostgresStoreOptions {
  /**
   * The schema of the tables; `migrate` creates it if missing. Default: none, so the tables go
   * where the connection's `search_path` points (usually `public`). Lower-case letters, digits and
   * `_`, not starting with a digit.
   */
  readonly schema?: string;
  /**
   * Prefix of every table and index name. Default `'serviceflow_'` (tables `serviceflow_snapshots`
   * and `serviceflow_journal`). Lower-case letters, digits and `_`, at most 39 characters.
   */
  readonly tablePrefix?: string;
  /**
   * Send the store's statements as named prepared statements, parsed and planned once per
   * connection instead of on every call (about 1.7× the throughput of a `pg` server). Default:
   * `true` for a `pg` `Pool`/`Client`, `false` otherwise (PGlite, other clients). Turn it off
   * behind a pooler that cannot keep prepared statements, such as PgBouncer before 1.21 in
   * transaction mode.
   */
  readonly preparedStatements?: boolean;
}

/**
 * Options of {@link migrate}: the same as the store's, so both find the same tables.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, type MigrateOptions } from 'serviceflow/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool, { tablePrefix: 'sf_' } satisfies MigrateOptions);
 * ```
 */
export type MigrateOptions = Omit<PostgresStoreOptions, 'preparedStatements'>;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
// 63 is PostgreSQL's identifier limit; 'journal_undispatched_idx' is the longest suffix we add.
const MAX_PREFIX_LENGTH = 63 - 'journal_undispatched_idx'.length;

interface TableNames {
  readonly snapshots: string;
  readonly journal: string;
  readonly schema: string | undefined;
  readonly prefix: string;
}

function tableNames(options: PostgresStoreOptions): TableNames {
  const prefix = options.tablePrefix ?? 'serviceflow_';
  if (typeof prefix !== 'string' || (prefix !== '' && !IDENTIFIER.test(prefix)) || prefix.length > MAX_PREFIX_LENGTH) {
    throw new InvalidConfigError(
      `Invalid postgres store option tablePrefix: ${abbreviate(prefix)} is not a plain SQL identifier prefix`,
      {
        path: ['tablePrefix'],
        received: prefix,
        expected: `lower-case letters, digits and _ (not starting with a digit), at most ${MAX_PREFIX_LENGTH} characters`,
      },
    );
  }
  const schema = options.schema;
  if (schema !== undefined && (typeof schema !== 'string' || !IDENTIFIER.test(schema) || schema.length > 63)) {
    throw new InvalidConfigError(
      `Invalid postgres store option schema: ${abbreviate(schema)} is not a plain SQL identifier`,
      {
        path: ['schema'],
        received: schema,
        expected: 'lower-case letters, digits and _ (not starting with a digit), at most 63 characters',
      },
    );
  }
  const qualified = (table: string): string => (schema === undefined ? `"${table}"` : `"${schema}"."${table}"`);
  return { snapshots: qualified(`${prefix}snapshots`), journal: qualified(`${prefix}journal`), schema, prefix };
}

/**
 * The statements {@link migrate} runs, in order. Every one is idempotent (`IF NOT EXISTS`), so a
 * host with its own migration tool can copy them as they are.
 *
 * Ids, stages and snapshot references use `COLLATE "C"` so that `list`, `due` and `undispatched`
 * order ids by code point whatever the database's locale, exactly as `memoryStore` does.
 *
 * @example
 * ```ts
 * console.log(migrationStatements({ tablePrefix: 'helpdesk_' }).join(';\n\n'));
 * ```
 */
export function migrationStatements(options: MigrateOptions = {}): string[] {
  const { snapshots, journal, schema, prefix } = tableNames(options);
  return [
    ...(schema === undefined ? [] : [`CREATE SCHEMA IF NOT EXISTS "${schema}"`]),
    `CREATE TABLE IF NOT EXISTS ${snapshots} (
  id            text        COLLATE "C" PRIMARY KEY,
  version       integer     NOT NULL CHECK (version >= 1),
  state         jsonb       NOT NULL,
  stage         text        COLLATE "C" NOT NULL,
  wake_at       bigint,
  last_event_at bigint      NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  parked_at     bigint,
  parked_reason jsonb
)`,
    // Tables created by serviceflow 0.1 lack the park columns.
    `ALTER TABLE ${snapshots} ADD COLUMN IF NOT EXISTS parked_at bigint`,
    `ALTER TABLE ${snapshots} ADD COLUMN IF NOT EXISTS parked_reason jsonb`,
    `CREATE INDEX IF NOT EXISTS "${prefix}snapshots_wake_at_idx" ON ${snapshots} (wake_at, id) WHERE wake_at IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS "${prefix}snapshots_parked_idx" ON ${snapshots} (id) WHERE parked_at IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS "${prefix}snapshots_stage_idx" ON ${snapshots} (stage, id)`,
    `CREATE TABLE IF NOT EXISTS ${journal} (
  snapshot_id   text        COLLATE "C" NOT NULL,
  version       integer     NOT NULL,
  idx           integer     NOT NULL,
  id            text        COLLATE "C" NOT NULL UNIQUE,
  type          text        NOT NULL,
  at            bigint      NOT NULL,
  effect        jsonb       NOT NULL,
  dispatched_at bigint,
  PRIMARY KEY (snapshot_id, version, idx)
)`,
    `CREATE INDEX IF NOT EXISTS "${prefix}journal_undispatched_idx" ON ${journal} (at, snapshot_id, version, idx) WHERE dispatched_at IS NULL`,
  ];
}

/**
 * Creates the tables and indexes of {@link postgresStore}, if they are not there yet: explicit
 * (a store never changes the schema by itself) and idempotent (run it on every deploy or start).
 *
 * Runs in one transaction under an advisory lock, so concurrent runs (several workers starting at
 * once) wait for each other instead of failing. Pass the same options as to the store.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, postgresStore } from 'serviceflow/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const store = postgresStore(pool);
 * ```
 */
export async function migrate(client: PostgresClient, options: MigrateOptions = {}): Promise<void> {
  const statements = migrationStatements(options);
  await inTransaction(client, async (connection) => {
    await connection.query(`SELECT pg_advisory_xact_lock(hashtext('serviceflow:migrate'))`);
    for (const statement of statements) await connection.query(statement);
  });
}

/**
 * A {@link SnapshotStore} in PostgreSQL: a server through a `pg` `Pool` (or `Client`), or an
 * embedded PGlite, with the same SQL. Create the tables first with {@link migrate}.
 *
 * `create` and `save` are each one SQL statement (the snapshot row and its journal rows through a
 * data-modifying CTE), so they are atomic without holding a connection across round trips: a stale
 * `expectedVersion` updates no row, journals nothing and throws `ConflictError` (code `CONFLICT`);
 * so does a `create` whose id exists. Of two concurrent saves with the same `expectedVersion`,
 * PostgreSQL's row lock lets exactly one win. The store never closes the client: the host owns it.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { migrate, postgresStore } from 'serviceflow/postgres';
 *
 * const db = new PGlite(); // in memory; new PGlite('./data') persists to a folder
 * await migrate(db);
 * const store = postgresStore(db);
 * await store.create({ id: 'inq-1', state: { n: 1 }, stage: 'inquiry', wakeAt: null, lastEventAt: 0, effects: [] });
 * ```
 */
export function postgresStore<State = unknown, Effect = unknown>(
  client: PostgresClient,
  options: PostgresStoreOptions = {},
): SnapshotStore<State, Effect> {
  const { snapshots, journal } = tableNames(options);
  const sql = statementsFor(snapshots, journal);
  const run = sqlRunner(client, options, snapshots, journal);
  const written = (write: SnapshotWrite, version: number, checked: CheckedSnapshotWrite): StoredSnapshot<State> => {
    let state: State | undefined;
    return {
      id: write.id,
      version,
      // A fresh copy of what was stored (jsonb may reorder keys; the values are the same), parsed
      // when first read: the desks and the BullMQ runner read only the version of a save.
      get state(): State {
        return (state ??= JSON.parse(checked.stateJson) as State);
      },
      stage: write.stage,
      wakeAt: write.wakeAt,
      lastEventAt: write.lastEventAt,
    };
  };
  // A versioned write that changed no row: the version it met, read back for the conflict's message.
  const conflictAfter = async (id: string, expectedVersion: number): Promise<never> => {
    const [current] = await run(sql.version, [id]);
    throw saveConflict(
      id,
      expectedVersion,
      current === undefined ? undefined : toInteger((current as { version: unknown }).version),
    );
  };

  const store: SnapshotStore<State, Effect> = {
    saveMany: saveManyWith(run, sql.saveMany, written),

    async load(id) {
      const [row] = await run(sql.load, [id]);
      return row === undefined ? undefined : toSnapshot<State>(row as SnapshotRow);
    },

    async create(write) {
      const checked = checkSnapshotWrite(write);
      const params = [write.id, checked.stateJson, write.stage, write.wakeAt, write.lastEventAt, journalParam(checked)];
      let rows: readonly unknown[];
      try {
        rows = await run(sql.create, params);
      } catch (error) {
        // Journal rows left behind by a snapshot row deleted by hand: the id is not free either.
        if (errorCode(error) === '23505') throw withCause(createConflict(write.id), error);
        throw error;
      }
      if (rows.length === 0) throw createConflict(write.id);
      return written(write, 1, checked);
    },

    async save(write) {
      const expectedVersion = checkQueryInteger(write.expectedVersion, 'save', 'expectedVersion', 1);
      const checked = checkSnapshotWrite(write);
      const params = [
        write.id,
        expectedVersion,
        checked.stateJson,
        write.stage,
        write.wakeAt,
        write.lastEventAt,
        journalParam(checked),
      ];
      const [row] = await run(sql.save, params);
      if (row === undefined) return conflictAfter(write.id, expectedVersion);
      return written(write, toInteger((row as { version: unknown }).version), checked);
    },

    async due(query) {
      const until = checkQueryInteger(query.until, 'due', 'until');
      const rows = await run(sql.due, [until, limitParam(query.limit, 'due')]);
      return rows.map((row) => {
        const { id, wake_at } = row as { id: string; wake_at: unknown };
        return { id, wakeAt: toInteger(wake_at) };
      });
    },

    async park(request) {
      const entry = parkEntry(request);
      const params = [
        request.id,
        request.expectedVersion,
        request.at,
        JSON.stringify(entry.effect.reason),
        JSON.stringify(entry.effect),
      ];
      const [row] = await run(sql.park, params);
      if (row === undefined) return conflictAfter(request.id, request.expectedVersion);
      const { version, stage, wake_at } = row as { version: unknown; stage: string; wake_at: unknown };
      return {
        id: request.id,
        version: toInteger(version),
        stage,
        wakeAt: wake_at === null ? null : toInteger(wake_at),
        parkedAt: request.at,
        reason: entry.effect.reason,
      };
    },

    async unpark(id, at) {
      checkQueryInteger(at, 'unpark', 'at');
      return (await run(sql.unpark, [id, at])).length > 0;
    },

    async parked(options = {}) {
      const rows = await run(sql.parked, [options.after ?? null, limitParam(options.limit, 'parked')]);
      return rows.map((row) => toParked(row as ParkedRow));
    },

    async journal(id, options = {}) {
      const afterVersion = checkQueryInteger(options.afterVersion ?? 0, 'journal', 'afterVersion');
      const rows = await run(sql.journal, [id, afterVersion]);
      return rows.map((row) => toJournalEntry<Effect>(row as JournalRow));
    },

    async undispatched(options = {}) {
      const rows = await run(sql.undispatched, [limitParam(options.limit, 'undispatched')]);
      return rows.map((row) => toJournalEntry<Effect>(row as JournalRow));
    },

    async markDispatched(ids, at) {
      checkQueryInteger(at, 'markDispatched', 'at');
      if (ids.length === 0) return;
      await run(sql.markDispatched, [[...ids], at]);
    },

    async list(options = {}) {
      const params: unknown[] = [];
      const where: string[] = [];
      if (options.stage !== undefined) where.push(`stage = $${params.push(options.stage)}`);
      if (options.after !== undefined) where.push(`id > $${params.push(options.after)}`);
      const limit = limitParam(options.limit, 'list');
      const text = `SELECT id FROM ${snapshots}${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY id LIMIT $${params.push(limit)}`;
      const rows = await run(text, params);
      return rows.map((row) => (row as { id: string }).id);
    },
  };
  return store;
}

/** The store's query function: its rows, prepared statements on a pg client, a missing table named as such. */
function sqlRunner(
  client: PostgresClient,
  options: PostgresStoreOptions,
  snapshots: string,
  journal: string,
): (text: string, params: unknown[]) => Promise<readonly unknown[]> {
  const prepared = options.preparedStatements ?? isPg(client);
  if (prepared && !isPg(client)) {
    throw new InvalidConfigError(
      'Invalid postgres store option preparedStatements: only a pg Pool or Client can prepare statements',
      {
        path: ['preparedStatements'],
        received: true,
        expected: 'false (or a pg Pool / Client as the client)',
      },
    );
  }
  const query = (text: string, params: unknown[]): Promise<PostgresQueryResult> =>
    prepared && isPg(client)
      ? client.query({ name: statementName(text), text, values: params })
      : client.query(text, params);
  return async (text, params) => {
    try {
      return (await query(text, params)).rows;
    } catch (error) {
      if (errorCode(error) === '42P01') {
        throw new InvalidConfigError(
          `The serviceflow tables ${snapshots} / ${journal} do not exist: run migrate(client${options.schema === undefined && options.tablePrefix === undefined ? '' : ', options'}) first`,
          { path: [], expected: 'tables created by migrate()', cause: error },
        );
      }
      throw error;
    }
  };
}

/** The store's `saveMany`: checks every write as `save` does, then one statement for all. */
function saveManyWith<State, Effect>(
  run: (text: string, params: unknown[]) => Promise<readonly unknown[]>,
  statement: string,
  written: (write: SnapshotWrite, version: number, checked: CheckedSnapshotWrite) => StoredSnapshot<State>,
): NonNullable<SnapshotStore<State, Effect>['saveMany']> {
  return async (writes) => {
    const checked = writes.map((write) => {
      checkQueryInteger(write.expectedVersion, 'save', 'expectedVersion', 1);
      return checkSnapshotWrite(write);
    });
    if (new Set(writes.map(({ id }) => id)).size !== writes.length) {
      throw new InvalidInputError('Invalid saveMany: the writes must be of different snapshots', {
        path: ['writes'],
        expected: 'writes of distinct ids',
      });
    }
    const rows = await run(statement, [
      writes.map(({ id }) => id),
      writes.map(({ expectedVersion }) => expectedVersion),
      checked.map(({ stateJson }) => stateJson),
      writes.map(({ stage }) => stage),
      writes.map(({ wakeAt }) => wakeAt),
      writes.map(({ lastEventAt }) => lastEventAt),
      checked.map(journalParam),
    ]);
    const versions = new Map(
      rows.map((row) => [(row as { id: string }).id, toInteger((row as { version: unknown }).version)]),
    );
    return writes.map((write, index) => {
      const version = versions.get(write.id);
      return version === undefined ? undefined : written(write, version, checked[index]!);
    });
  };
}

const journalParam = (checked: CheckedSnapshotWrite): string =>
  `[${checked.effects.map((effect) => effect.json).join(',')}]`;

const limitParam = (limit: number | undefined, method: string): number | null =>
  limit === undefined ? null : checkQueryInteger(limit, method, 'limit', 0);

function statementsFor(snapshots: string, journal: string) {
  // Journals the effects passed as one jsonb array ($effects) for the row the CTE `written` returns:
  // one multi-row INSERT, ids computed in SQL as `${snapshotId}:${version}:${index}`.
  // `from` names the written rows `w` (and whatever else `effects` reads from).
  const journalInsert = (effects: string, from = 'written w'): string => `journaled AS (
  INSERT INTO ${journal} (snapshot_id, version, idx, id, type, at, effect)
  SELECT w.id, w.version, (e.ord - 1)::integer, w.id || ':' || w.version || ':' || (e.ord - 1),
         e.effect ->> 'type', (e.effect ->> 'at')::bigint, e.effect
  FROM ${from} CROSS JOIN jsonb_array_elements(${effects}::jsonb) WITH ORDINALITY AS e(effect, ord)
)`;
  const journalColumns = `id, snapshot_id, version, idx, type, at, effect::text AS effect_json, dispatched_at`;
  return {
    load: `SELECT id, version, state::text AS state_json, stage, wake_at, last_event_at FROM ${snapshots} WHERE id = $1`,
    version: `SELECT version FROM ${snapshots} WHERE id = $1`,
    create: `WITH written AS (
  INSERT INTO ${snapshots} (id, version, state, stage, wake_at, last_event_at)
  VALUES ($1, 1, $2::jsonb, $3, $4, $5)
  ON CONFLICT (id) DO NOTHING
  RETURNING id, version
), ${journalInsert('$6')}
SELECT version FROM written`,
    save: `WITH written AS (
  UPDATE ${snapshots}
  SET version = version + 1, state = $3::jsonb, stage = $4, wake_at = $5, last_event_at = $6, updated_at = now(),
      parked_at = NULL, parked_reason = NULL
  WHERE id = $1 AND version = $2::bigint
  RETURNING id, version
), ${journalInsert('$7')}
SELECT version FROM written`,
    // The saves of many snapshots, one row of the arrays each (ids distinct), as one statement.
    saveMany: `WITH input AS (
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[])
    AS i(id, expected, state, stage, wake_at, last_event_at, effects)
), written AS (
  UPDATE ${snapshots} s
  SET version = s.version + 1, state = i.state::jsonb, stage = i.stage, wake_at = i.wake_at,
      last_event_at = i.last_event_at, updated_at = now(), parked_at = NULL, parked_reason = NULL
  FROM input i
  WHERE s.id = i.id AND s.version = i.expected
  RETURNING s.id, s.version
), ${journalInsert('i.effects', 'written w JOIN input i ON i.id = w.id')}
SELECT id, version FROM written`,
    due: `SELECT id, wake_at FROM ${snapshots} WHERE wake_at IS NOT NULL AND wake_at <= $1 AND parked_at IS NULL ORDER BY wake_at, id LIMIT $2`,
    // Park and unpark bump the version and journal one entry, born dispatched: a record, not an effect.
    park: `WITH written AS (
  UPDATE ${snapshots}
  SET version = version + 1, parked_at = $3::bigint, parked_reason = $4::jsonb, updated_at = now()
  WHERE id = $1 AND version = $2::bigint
  RETURNING id, version, stage, wake_at
), journaled AS (
  INSERT INTO ${journal} (snapshot_id, version, idx, id, type, at, effect, dispatched_at)
  SELECT w.id, w.version, 0, w.id || ':' || w.version || ':0', 'inquiry.parked', $3::bigint, $5::jsonb, $3::bigint FROM written w
)
SELECT version, stage, wake_at FROM written`,
    unpark: `WITH written AS (
  UPDATE ${snapshots}
  SET version = version + 1, parked_at = NULL, parked_reason = NULL, updated_at = now()
  WHERE id = $1 AND parked_at IS NOT NULL
  RETURNING id, version
), journaled AS (
  INSERT INTO ${journal} (snapshot_id, version, idx, id, type, at, effect, dispatched_at)
  SELECT w.id, w.version, 0, w.id || ':' || w.version || ':0', 'inquiry.unparked', $2::bigint,
         jsonb_build_object('type', 'inquiry.unparked', 'inquiryId', w.id, 'at', $2::bigint), $2::bigint
  FROM written w
)
SELECT version FROM written`,
    parked: `SELECT id, version, stage, wake_at, parked_at, parked_reason::text AS reason_json FROM ${snapshots}
WHERE parked_at IS NOT NULL AND ($1::text IS NULL OR id > $1::text) ORDER BY id LIMIT $2`,
    journal: `SELECT ${journalColumns} FROM ${journal} WHERE snapshot_id = $1 AND version > $2::bigint ORDER BY version, idx`,
    undispatched: `SELECT ${journalColumns} FROM ${journal} WHERE dispatched_at IS NULL ORDER BY at, snapshot_id, version, idx LIMIT $1`,
    markDispatched: `UPDATE ${journal} SET dispatched_at = $2 WHERE id = ANY($1::text[]) AND dispatched_at IS NULL`,
  };
}

interface SnapshotRow {
  readonly id: string;
  readonly version: unknown;
  readonly state_json: string;
  readonly stage: string;
  readonly wake_at: unknown;
  readonly last_event_at: unknown;
}

interface ParkedRow {
  readonly id: string;
  readonly version: unknown;
  readonly stage: string;
  readonly wake_at: unknown;
  readonly parked_at: unknown;
  readonly reason_json: string;
}

function toParked(row: ParkedRow): ParkedSnapshot {
  const { code, message } = JSON.parse(row.reason_json) as ParkReason;
  return {
    id: row.id,
    version: toInteger(row.version),
    stage: row.stage,
    wakeAt: row.wake_at === null ? null : toInteger(row.wake_at),
    parkedAt: toInteger(row.parked_at),
    reason: { code, message },
  };
}

interface JournalRow {
  readonly id: string;
  readonly snapshot_id: string;
  readonly version: unknown;
  readonly idx: unknown;
  readonly type: string;
  readonly at: unknown;
  readonly effect_json: string;
  readonly dispatched_at: unknown;
}

function toSnapshot<State>(row: SnapshotRow): StoredSnapshot<State> {
  return {
    id: row.id,
    version: toInteger(row.version),
    // Parsed here rather than by the driver, so a host's custom jsonb parser cannot change it.
    state: JSON.parse(row.state_json) as State,
    stage: row.stage,
    wakeAt: row.wake_at === null ? null : toInteger(row.wake_at),
    lastEventAt: toInteger(row.last_event_at),
  };
}

function toJournalEntry<Effect>(row: JournalRow): JournalEntry<Effect> {
  return {
    id: row.id,
    snapshotId: row.snapshot_id,
    version: toInteger(row.version),
    index: toInteger(row.idx),
    type: row.type,
    at: toInteger(row.at),
    effect: JSON.parse(row.effect_json) as Effect,
    dispatchedAt: row.dispatched_at === null ? null : toInteger(row.dispatched_at),
  };
}

// pg returns bigint columns as strings, PGlite as numbers (or bigint beyond 2^53); every value we
// wrote was a safe integer, so Number() is exact.
function toInteger(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

function withCause(conflict: ConflictError, cause: unknown): ConflictError {
  return new ConflictError(conflict.message, {
    path: conflict.path,
    received: conflict.received,
    expected: conflict.expected,
    cause,
  });
}

interface PgQueryConfigClient {
  query(config: {
    readonly name: string;
    readonly text: string;
    readonly values: unknown[];
  }): Promise<PostgresQueryResult>;
}

// pg's Pool, Client and PoolClient accept a query config with a statement name; PGlite does not.
function isPg(client: PostgresClient): client is PostgresClient & PgQueryConfigClient {
  return !isPglite(client) && (isPool(client) || 'connectionParameters' in client);
}

const statementNames = new Map<string, string>();

// Named after a hash of the text, so one name never stands for two texts on a connection.
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ code, 2654435761);
      h2 = Math.imul(h2 ^ code, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    name = `serviceflow_${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
    statementNames.set(text, name);
  }
  return name;
}

interface PoolLike {
  connect(): Promise<PostgresClient & { release(destroy?: boolean): void }>;
}

interface PgliteLike {
  transaction<T>(work: (tx: PostgresClient) => Promise<T>): Promise<T>;
}

function isPglite(client: PostgresClient): client is PostgresClient & PgliteLike {
  return typeof (client as Partial<PgliteLike>).transaction === 'function';
}

// A pg Pool hands out a connection per `connect()`; a pg Client's `connect()` opens itself instead.
function isPool(client: PostgresClient): client is PostgresClient & PoolLike {
  return typeof (client as Partial<PoolLike>).connect === 'function' && 'totalCount' in client;
}

async function inTransaction(
  client: PostgresClient,
  work: (connection: PostgresClient) => Promise<void>,
): Promise<void> {
  if (isPglite(client)) return client.transaction(work);
  if (!isPool(client)) return beginCommit(client, work);
  const connection = await client.connect();
  let broken = false;
  try {
    await beginCommit(connection, work, () => (broken = true));
  } finally {
    connection.release(broken);
  }
}

async function beginCommit(
  connection: PostgresClient,
  work: (connection: PostgresClient) => Promise<void>,
  onRollbackFailed?: () => void,
): Promise<void> {
  await connection.query('BEGIN');
  try {
    await work(connection);
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => onRollbackFailed?.());
    throw error;
  }
}
