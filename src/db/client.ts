/**
 * Opens the store: a Postgres server for a `postgres://` URL, else the embedded PGlite (on disk or in
 * memory) in its own worker thread. Both are driven by postgres.js and drizzle, so queries are
 * written once against `Db`.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import type { Logger as DrizzleLogger } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';
import type { Logger } from '../logger.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { type PgliteThread, startPgliteThread } from './pglite-thread.js';
import * as schema from './schema.js';

export type Schema = typeof schema;

/** The drizzle database every query takes (drizzle over postgres.js, for both stores). */
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

/**
 * Both stores are reached through postgres.js: a server over TCP, the embedded PGlite through its
 * worker thread (pglite-thread.ts), so `raw` is the same driver for both.
 */
export type DbHandle =
  | (HandleBase & {
      kind: 'pglite';
      raw: Sql;
      /** A `dumpDataDir('none')` tarball (test templates). */
      dumpDataDir(): Promise<Blob>;
    })
  | (HandleBase & { kind: 'postgres'; raw: Sql });

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

/**
 * PGlite's memory: the defaults (128 MB of shared buffers) make a bare PGlite ~300 MB resident; these
 * keep it near 180 MB (measured in bench/startup.ts), ample for one team's activity rows.
 */
export const PGLITE_CONF = [
  'shared_buffers = 16MB',
  'wal_buffers = 1MB',
  'temp_buffers = 2MB',
  'work_mem = 2MB',
  'maintenance_work_mem = 8MB',
].join('\n');

/**
 * postgres.js over the PGlite thread's MessagePort sockets. `socket` (a custom connection) is a
 * postgres.js option its type declarations leave out.
 */
export function pgliteClient(thread: PgliteThread, opts: { max: number; connectTimeout?: number }): Sql {
  const options: postgres.Options<Record<string, never>> & { socket: () => unknown } = {
    socket: () => thread.socket(),
    max: opts.max,
    ssl: false,
    username: 'postgres',
    database: 'postgres',
    onnotice: () => {},
    connect_timeout: opts.connectTimeout ?? 10,
  };
  return postgres(options);
}

async function openPglite(opts: DbOptions, logger: DrizzleLogger | undefined): Promise<DbHandle> {
  let lock: DataDirLock | undefined;
  if (!opts.memory && opts.dataDir) {
    await mkdir(opts.dataDir, { recursive: true });
    lock = acquireDataDirLock(opts.dataDir); // throws DataDirLockedError when another process has it
  }
  let thread: PgliteThread;
  try {
    thread = await startPgliteThread({
      ...(!opts.memory && opts.dataDir ? { dataDir: opts.dataDir } : {}),
      ...(opts.loadDataDir ? { loadDataDir: await opts.loadDataDir.arrayBuffer() } : {}),
      postgresqlConf: PGLITE_CONF,
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  // One connection: PGlite is one session, so a second would only queue behind the first's transactions.
  const sql = pgliteClient(thread, { max: 1, connectTimeout: opts.connectTimeout ?? 10 });
  const db: Db = drizzlePostgres({ client: sql, schema, ...(logger ? { logger } : {}) });
  const locks = localLocks();
  let closed = false;
  const handle: DbHandle = {
    kind: 'pglite',
    db,
    raw: sql,
    dumpDataDir: () => thread.dump(),
    async ping() {
      await sql`select 1`;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await sql.end({ timeout: 5 });
        await thread.close();
      } finally {
        lock?.release();
      }
    },
    async withAdvisoryLock(key, fn) {
      // The data directory lock already makes this process PGlite's only user: local exclusion is all.
      if (!locks.tryTake(key)) return { ran: false };
      try {
        return { ran: true, value: await fn() };
      } finally {
        locks.release(key);
      }
    },
  };
  try {
    await handle.ping();
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
  return handle;
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
