import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { migrate, migrationsFolder } from '../../src/db/migrate.js';
import { insertCreditSnapshot, latestCreditSnapshot } from '../../src/db/queries/credits.js';
import { ALL_TABLES } from '../../src/db/schema.js';
import { describeEachBackend, type TestDb, testDb } from '../support/db.js';

async function rows<T>(handle: DbHandle, query: string): Promise<T[]> {
  return [...(await handle.raw.unsafe(query))] as T[];
}

/** Tables, columns, indexes and constraints of the public schema plus the migration journal. */
async function fingerprint(handle: DbHandle) {
  const columns = await rows(
    handle,
    `select table_name, column_name, data_type, is_nullable, column_default
       from information_schema.columns where table_schema = 'public' order by 1, 2`,
  );
  const indexes = await rows(
    handle,
    `select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1`,
  );
  const constraints = await rows(
    handle,
    `select conname, pg_get_constraintdef(oid) as def from pg_constraint
      where connamespace = 'public'::regnamespace order by 1`,
  );
  const journal = await rows(handle, 'select hash, created_at::text from drizzle.__drizzle_migrations order by id');
  return { columns, indexes, constraints, journal };
}

describeEachBackend('migrations', (s) => {
  it('create every table, and a second run changes nothing', async () => {
    const before = await fingerprint(s.t.handle);
    const tables = new Set(before.columns.map((c) => (c as { table_name: string }).table_name));
    expect([...tables].sort()).toEqual([...ALL_TABLES].sort());
    expect(before.journal).toHaveLength(readdirSync(migrationsFolder()).filter((f) => f.endsWith('.sql')).length);

    await migrate(s.t.handle);
    await migrate(s.t.handle);
    expect(await fingerprint(s.t.handle)).toEqual(before);
  });

  it('ping answers and reset empties the tables', async () => {
    await s.t.handle.ping();
    await rows(s.t.handle, `insert into sync_state (name) values ('x')`);
    await s.t.reset();
    expect(await rows(s.t.handle, 'select * from sync_state')).toEqual([]);
  });
});

// PGlite only, so registered once rather than skipped on Postgres (CI fails on skipped tests).
describe('embedded store on disk [pglite]', () => {
  let t: TestDb | undefined;
  beforeAll(async () => {
    t = await testDb('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a missing DATA_DIR and keeps its data across restarts', async () => {
    const handle = t?.handle;
    if (!handle) throw new Error('the test store did not open');
    if (handle.kind !== 'pglite') throw new Error('pglite only');
    const root = await mkdtemp(join(tmpdir(), 'credits-bot-datadir-'));
    const dataDir = join(root, 'nested', 'data');
    try {
      // Seeded from this file's migrated store: a fresh cluster would take seconds.
      const first = await createDb({ dataDir, loadDataDir: await handle.dumpDataDir() });
      await migrate(first);
      const takenAt = new Date('2026-03-18T12:00:00Z');
      await insertCreditSnapshot(first.db, { takenAt, totalCredits: 10, totalUsage: 4 });
      await first.close();

      const reopened = await createDb({ dataDir });
      await migrate(reopened);
      expect(await latestCreditSnapshot(reopened.db)).toEqual({ takenAt, totalCredits: 10, totalUsage: 4 });
      await reopened.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
