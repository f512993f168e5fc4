/**
 * A migrated store for vitest files. PGlite in memory by default (one per test file, restored from a
 * migrated template dump cached in the OS temp dir, since a fresh PGlite takes seconds); with
 * `TEST_DATABASE_URL` also a real Postgres, where each test file gets its own throwaway database.
 * `reset()` truncates every table between tests.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { createDb, type Db, type DbHandle } from '../../src/db/client.js';
import { migrate, migrationsFolder } from '../../src/db/migrate.js';
import { ALL_TABLES } from '../../src/db/schema.js';
import type { ActivityRow } from '../../src/openrouter/types.js';

export type Backend = 'pglite' | 'postgres';

export interface TestDb {
  backend: Backend;
  handle: DbHandle;
  db: Db;
  /** Empties every table and restarts identities. */
  reset(): Promise<void>;
  close(): Promise<void>;
  /** postgres only: a URL of this file's database, to open more handles (other "replicas"). */
  url?: string;
}

const TRUNCATE = `truncate table ${ALL_TABLES.map((t) => `"${t}"`).join(', ')} restart identity cascade`;

/** The backends store tests run on: PGlite always, Postgres when TEST_DATABASE_URL is set. */
export function backends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** Why the Postgres variants cannot run here, or undefined when they can. */
export const POSTGRES_SKIP_REASON: string | undefined = process.env.TEST_DATABASE_URL
  ? undefined
  : 'skipped: TEST_DATABASE_URL is not set (see .ci/run)';

/** Every backend, and the reason when one cannot run here: its tests are still registered, as skipped. */
export function allBackends(): { backend: Backend; skipReason?: string }[] {
  return [
    { backend: 'pglite' },
    POSTGRES_SKIP_REASON ? { backend: 'postgres', skipReason: POSTGRES_SKIP_REASON } : { backend: 'postgres' },
  ];
}

export function testDb(backend: Backend = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite'): Promise<TestDb> {
  return backend === 'postgres' ? postgresTestDb() : pgliteTestDb();
}

async function templateName(): Promise<string> {
  const folder = migrationsFolder();
  const hash = createHash('sha256');
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const { version } = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  hash.update(version);
  hash.update(await readFile(join(folder, 'meta', '_journal.json')));
  for (const file of (await readdir(folder)).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(await readFile(join(folder, file)));
  }
  return join(tmpdir(), `credits-bot-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** A dump of a migrated PGlite, made once per migration set and reused by every file and run. */
async function pgliteTemplate(): Promise<Blob> {
  const path = await templateName();
  if (existsSync(path)) return new Blob([await readFile(path)]);
  const handle = await createDb({ memory: true });
  try {
    await migrate(handle);
    if (handle.kind !== 'pglite') throw new Error('expected PGlite');
    const dump = await handle.dumpDataDir();
    const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, path);
    return dump;
  } finally {
    await handle.close();
  }
}

/** Fills `dataDir` with a migrated embedded store, as a service finds it on a restart. */
export async function migratedDataDir(dataDir: string): Promise<void> {
  const handle = await createDb({ dataDir, loadDataDir: await pgliteTemplate() });
  try {
    await migrate(handle);
  } finally {
    await handle.close();
  }
}

async function pgliteTestDb(): Promise<TestDb> {
  const handle = await createDb({ memory: true, loadDataDir: await pgliteTemplate() });
  await migrate(handle);
  return {
    backend: 'pglite',
    handle,
    db: handle.db,
    reset: async () => {
      await handle.db.execute(TRUNCATE);
    },
    close: () => handle.close(),
  };
}

async function postgresTestDb(): Promise<TestDb> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString(), max: 4 });
  await migrate(handle);
  return {
    backend: 'postgres',
    handle,
    db: handle.db,
    url: url.toString(),
    reset: async () => {
      await handle.db.execute(TRUNCATE);
    },
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export interface BackendSuite {
  backend: Backend;
  /** Valid inside tests and hooks (after beforeAll). */
  readonly t: TestDb;
  readonly db: Db;
}

/** One store per backend per test file, shared by every describeEachBackend block in it. */
const shared = new Map<Backend, Promise<TestDb>>();

function sharedTestDb(backend: Backend): Promise<TestDb> {
  let db = shared.get(backend);
  if (!db) {
    db = testDb(backend);
    shared.set(backend, db);
  }
  return db;
}

async function closeShared(): Promise<void> {
  const open = [...shared.values()];
  shared.clear();
  for (const db of open) await (await db).close();
}

/**
 * Runs `fn`'s tests once per backend with a migrated store, emptied before each test. The stores
 * are shared by the file's blocks and closed when the enclosing suite (usually the file) ends.
 * Without TEST_DATABASE_URL the Postgres block is registered as skipped with the reason.
 * @example
 * describeEachBackend('credits', (s) => {
 *   it('stores a reading', async () => { await insertCreditSnapshot(s.db, …) });
 * });
 */
export function describeEachBackend(name: string, fn: (suite: BackendSuite) => void): void {
  afterAll(closeShared);
  for (const { backend, skipReason } of allBackends()) {
    // A variant that cannot run here is registered as skipped, with the reason in its name.
    const block = skipReason ? describe.skip : describe;
    block(skipReason ? `${name} [${backend}] (${skipReason})` : `${name} [${backend}]`, () => {
      let current: TestDb | undefined;
      const suite: BackendSuite = {
        backend,
        get t() {
          if (!current) throw new Error('the test database is not open yet (use it inside tests or hooks)');
          return current;
        },
        get db() {
          return suite.t.db;
        },
      };
      beforeAll(async () => {
        current = await sharedTestDb(backend);
      });
      beforeEach(async () => {
        await current?.reset();
      });
      fn(suite);
    });
  }
}

/** One steady activity row per UTC day of [from, to): openai/gpt-4.1, $3 and 2 requests a day (digest fixtures). */
export function dailyActivity(from: string, to: string, fields: Partial<ActivityRow> = {}): ActivityRow[] {
  const rows: ActivityRow[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 86_400_000) {
    rows.push({
      date: new Date(t).toISOString().slice(0, 10),
      model: 'openai/gpt-4.1',
      modelPermaslug: 'openai/gpt-4.1',
      endpointId: 'ep-1',
      providerName: 'OpenAI',
      usage: 3,
      byokUsageInference: 0,
      requests: 2,
      promptTokens: 100,
      completionTokens: 10,
      reasoningTokens: 0,
      ...fields,
    });
  }
  return rows;
}
