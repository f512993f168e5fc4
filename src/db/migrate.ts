/**
 * Applies the generated migrations in `drizzle/`. Idempotent; on Postgres, concurrent callers
 * (replicas starting together, `release:` and `web:`) queue on an advisory lock, so one applies and
 * the others find nothing left to do.
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { DbHandle, Schema } from './client.js';

const MIGRATE_LOCK = 'credits-bot:migrate';

/** The nearest ancestor of this module holding `drizzle/meta/_journal.json` (works from src/ and dist/). */
export function migrationsFolder(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`No drizzle/meta/_journal.json above ${from}; the package is missing its migrations.`);
    dir = parent;
  }
}

export async function migrate(handle: DbHandle): Promise<void> {
  const config = { migrationsFolder: migrationsFolder() };
  if (handle.kind === 'pglite') {
    // PGlite is one process's private store (its data directory is locked): nothing to race with.
    await migratePostgres(handle.db as PostgresJsDatabase<Schema>, config);
    return;
  }
  // A blocking lock (not try-lock): a second migrator waits, then sees every migration applied.
  const conn = await handle.raw.reserve();
  try {
    await conn`select pg_advisory_lock(hashtext(${MIGRATE_LOCK}))`;
    try {
      await migratePostgres(handle.db as PostgresJsDatabase<Schema>, config);
    } finally {
      await conn`select pg_advisory_unlock(hashtext(${MIGRATE_LOCK}))`;
    }
  } finally {
    conn.release();
  }
}
