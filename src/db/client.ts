/**
 * Opens the store: postgres.js for a `postgres://` URL, else the embedded PGlite (on disk or in
 * memory). Queries are written once against `Db`, which both drizzle drivers satisfy.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger as DrizzleLogger } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';
import type { Logger } from '../logger.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import * as schema from './schema.js';

export type Schema = typeof schema;

/** The drizzle database every query takes; the PGlite and postgres.js drivers both satisfy it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface DbOptions {
  /** `postgres://…`: a real server through postgres.js. Wins over `dataDir` / `memory`. */
  databaseUrl?: string;
  /** The embedded PGlite's directory (created when missing). */
  dataDir?: string;
  /** An in-memory PGlite (tests, demo). */
  memory?: boolean;
  /** PGlite only: start from this `dumpDataDir()` tarball instead of an empty cluster (tests). */
  loadDataDir?: Blob;
  /** postgres.js pool size; at least 2 so a pinned lock connection never starves queries. Default 10. */
  max?: number;
  /** Seconds to wait for a postgres.js connection. Default 10. */
  connectTimeout?: number;
  logger?: Logger;
}

interface HandleBase {
  db: Db;
  /** Throws when the store cannot answer `select 1`. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs `fn` only if no other session (process or replica) holds `key`; `ran: false` otherwise.
   * A session-level `pg_try_advisory_lock(hashtext(key))` on one pinned connection.
   */
  withAdvisoryLock<T>(key: string, fn: () => Promise<T>): Promise<{ ran: boolean; value?: T }>;
}

export type DbHandle = (HandleBase & { kind: 'pglite'; raw: PGlite }) | (HandleBase & { kind: 'postgres'; raw: Sql });

export async function createDb(opts: DbOptions): Promise<DbHandle> {
  const logger = opts.logger ? drizzleLogger(opts.logger) : undefined;
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts, logger);
  return openPglite(opts, logger);
}

function drizzleLogger(log: Logger): DrizzleLogger {
  return {
    logQuery(query) {
      if (log.isLevelEnabled('trace')) log.trace({ query }, 'sql');
    },
  };
}

/** Keys held by this process, so two callers in one process exclude each other too (PGlite is one session). */
function localLocks() {
  const held = new Set<string>();
  return {
    tryTake(key: string): boolean {
      if (held.has(key)) return false;
      held.add(key);
      return true;
    },
    release: (key: string) => held.delete(key),
  };
}

async function openPglite(opts: DbOptions, logger: DrizzleLogger | undefined): Promise<DbHandle> {
  // Loaded here, not at the top: a service on DATABASE_URL never loads the WASM database.
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
  ]);
  let client: PGlite;
  let lock: DataDirLock | undefined;
  const load = opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {};
  if (opts.memory || !opts.dataDir) {
    client = new PGlite(load);
  } else {
    await mkdir(opts.dataDir, { recursive: true });
    lock = acquireDataDirLock(opts.dataDir); // throws DataDirLockedError when another process has it
    client = new PGlite(opts.dataDir, load);
  }
  try {
    await client.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db: Db = drizzlePglite({ client, schema, ...(logger ? { logger } : {}) });
  const locks = localLocks();
  return {
    kind: 'pglite',
    db,
    raw: client,
    async ping() {
      await client.query('select 1');
    },
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
    },
    async withAdvisoryLock(key, fn) {
      if (!locks.tryTake(key)) return { ran: false };
      try {
        const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
        if (!got.rows[0]?.ok) return { ran: false };
        try {
          return { ran: true, value: await fn() };
        } finally {
          await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
        }
      } finally {
        locks.release(key);
      }
    },
  };
}

async function openPostgres(url: string, opts: DbOptions, logger: DrizzleLogger | undefined): Promise<DbHandle> {
  const sql = postgres(url, {
    max: Math.max(2, opts.max ?? 10),
    onnotice: () => {},
    connect_timeout: opts.connectTimeout ?? 10,
  });
  const db: Db = drizzlePostgres({ client: sql, schema, ...(logger ? { logger } : {}) });
  const locks = localLocks();
  const handle: DbHandle = {
    kind: 'postgres',
    db,
    raw: sql,
    async ping() {
      await sql`select 1`;
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
    async withAdvisoryLock(key, fn) {
      if (!locks.tryTake(key)) return { ran: false };
      try {
        // Session-level advisory locks belong to a connection: pin one for lock, work and unlock.
        const conn = await sql.reserve();
        try {
          const [got] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(hashtext(${key})) as ok`;
          if (!got?.ok) return { ran: false };
          try {
            return { ran: true, value: await fn() };
          } finally {
            await conn`select pg_advisory_unlock(hashtext(${key}))`;
          }
        } finally {
          conn.release();
        }
      } finally {
        locks.release(key);
      }
    },
  };
  try {
    await handle.ping();
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw error;
  }
  return handle;
}
