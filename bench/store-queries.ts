/**
 * Item 3: the store at scale. A synthetic year of activity (365 days × 300 models × 20 keys of
 * per-key rows, plus the account-wide rows: ~2.3 M rows at scale 1), then `usage 30d by model`,
 * `usage 30d by key` and the weekly digest's queries through the real query functions, p50 each,
 * against the same functions with index scans disabled (a full scan of the same data), same run.
 * @module
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createDb, type Db, type DbHandle } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { modelsFirstSeen, usageBreakdown } from '../src/db/queries/activity.js';
import * as schema from '../src/db/schema.js';
import { addDays } from '../src/digest/figures.js';
import { dayModelRows, loadDigestInputs } from '../src/digest/queries.js';
import { type BenchResult, round, summarize, timeRuns } from './lib/stats.js';

export interface StoreQueriesOptions {
  store: 'postgres' | 'pglite';
  databaseUrl?: string;
  /** 1 = 300 models (the 2.2 M per-key rows); 0.1 = 30 models (a tenth). */
  scale: number;
  log: (line: string) => void;
  /** Timed runs per query (default 15) and per full-scan baseline (default 3). */
  runs?: number;
  baselineRuns?: number;
}

const DAYS = 365;
const KEYS = 20;
const NO_INDEXES = ['enable_indexscan', 'enable_indexonlyscan', 'enable_bitmapscan'];

async function exec(handle: DbHandle, text: string): Promise<void> {
  await handle.raw.unsafe(text);
}

async function rows<T>(handle: DbHandle, text: string): Promise<T[]> {
  return (await handle.raw.unsafe(text)) as unknown as T[];
}

/** Fills activity_days (indexes dropped during the load and rebuilt as they were), keys and snapshots. */
export async function generate(handle: DbHandle, models: number, lastDay: string): Promise<number> {
  const indexes = await rows<{ indexname: string; indexdef: string }>(
    handle,
    `select indexname, indexdef from pg_indexes where tablename = 'activity_days'`,
  );
  const constraints = await rows<{ conname: string; def: string }>(
    handle,
    `select conname, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'activity_days'::regclass and contype in ('p', 'u')`,
  );
  for (const c of constraints) await exec(handle, `alter table activity_days drop constraint "${c.conname}"`);
  const constraintNames = new Set(constraints.map((c) => c.conname));
  for (const i of indexes) if (!constraintNames.has(i.indexname)) await exec(handle, `drop index "${i.indexname}"`);
  await exec(
    handle,
    `insert into activity_days (date, key_hash, model, model_permaslug, endpoint_id, provider_name, usage, byok_usage,
       requests, prompt_tokens, completion_tokens, reasoning_tokens, synced_at)
     select date '${lastDay}' - d, k.h,
       'vendor-' || (m % 25) || '/model-' || m, 'vendor-' || (m % 25) || '/model-' || m || '-20250101', 'ep-' || m,
       'provider-' || (m % 12), round((random() * 5)::numeric, 6)::float8, 0,
       (random() * 1000)::bigint, (random() * 1e6)::bigint, (random() * 1e5)::bigint, (random() * 1e4)::bigint, now()
     from generate_series(${DAYS - 1}, 0, -1) d
     cross join generate_series(0, ${models - 1}) m
     cross join (select '' as h union all select md5('bench-key-' || i) from generate_series(1, ${KEYS}) i) k`,
  );
  for (const c of constraints) await exec(handle, `alter table activity_days add constraint "${c.conname}" ${c.def}`);
  for (const i of indexes) if (!constraintNames.has(i.indexname)) await exec(handle, i.indexdef);
  // The (key, day) rollup upsertActivity keeps (schema-rollups.ts), built the way migration 0004 backfills it.
  await exec(
    handle,
    `insert into activity_key_days (key_hash, date, usage, byok_usage, requests, prompt_tokens, completion_tokens, reasoning_tokens)
     select key_hash, date, sum(usage), sum(byok_usage), sum(requests), sum(prompt_tokens), sum(completion_tokens), sum(reasoning_tokens)
     from activity_days group by key_hash, date`,
  );
  await exec(
    handle,
    `insert into api_keys (hash, name, label, disabled, include_byok_in_limit, usage, usage_daily, usage_weekly,
       usage_monthly, byok_usage, byok_usage_daily, byok_usage_weekly, byok_usage_monthly, synced_at, raw)
     select md5('bench-key-' || i), 'key ' || i, 'sk-or-v1-…' || i, false, false, 0, 0, 0, 0, 0, 0, 0, 0, now(), '{}'::jsonb
     from generate_series(1, ${KEYS}) i;
     insert into credit_snapshots (taken_at, total_credits, total_usage)
     select timestamptz '${lastDay}T23:55:00Z' - make_interval(mins => 5 * n), 10000, 5000 - n * 0.01
     from generate_series(0, ${DAYS * 288 - 1}) n`,
  );
  await exec(handle, 'vacuum analyze');
  const [count] = await rows<{ n: string | number }>(handle, 'select count(*) as n from activity_days');
  return Number(count?.n ?? 0);
}

export async function runStoreQueries(opts: StoreQueriesOptions): Promise<BenchResult[]> {
  const { log } = opts;
  const models = Math.max(1, Math.round(300 * opts.scale));
  const tag = opts.store === 'postgres' ? 'Postgres server' : 'PGlite';
  const handle = await createDb(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : { memory: true });
  let scanSql: ReturnType<typeof postgres> | undefined;
  try {
    await migrate(handle);
    const lastDay = new Date().toISOString().slice(0, 10);
    const t = performance.now();
    const total = await generate(handle, models, lastDay);
    log(
      `  ${tag}: ${total.toLocaleString('en-US')} activity rows (${DAYS} d × ${models} models × (${KEYS} keys + account)) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    // The baseline: the same functions with index scans off, i.e. a full scan of the same data.
    let scanDb: Db;
    let around: (fn: () => Promise<unknown>) => Promise<unknown>;
    if (handle.kind === 'postgres' && opts.databaseUrl) {
      scanSql = postgres(opts.databaseUrl, {
        max: 2,
        onnotice: () => {},
        connection: Object.fromEntries(NO_INDEXES.map((s) => [s, 'off'])),
      });
      scanDb = drizzle({ client: scanSql, schema }) as unknown as Db;
      around = (fn) => fn();
    } else {
      scanDb = handle.db;
      // PGlite is one session: switch the planner settings around each baseline run.
      around = async (fn) => {
        await exec(handle, NO_INDEXES.map((s) => `set ${s} = off;`).join(' '));
        try {
          return await fn();
        } finally {
          await exec(handle, NO_INDEXES.map((s) => `reset ${s};`).join(' '));
        }
      };
    }

    const month = { from: addDays(lastDay, -29), to: addDays(lastDay, 1) };
    const window = { from: addDays(lastDay, -6), to: addDays(lastDay, 1) };
    const twoWeeks = { from: addDays(window.from, -7), to: window.to };
    const queries: [string, (db: Db) => Promise<unknown>][] = [
      ['usage 30d by model', (db) => usageBreakdown(db, { ...month, by: 'model' })],
      ['usage 30d by key', (db) => usageBreakdown(db, { ...month, by: 'key' })],
      ['usage 30d by provider', (db) => usageBreakdown(db, { ...month, by: 'provider' })],
      ['digest: day × model rows, 14 d (dayModelRows)', (db) => dayModelRows(db, twoWeeks)],
      ['digest: models first seen (modelsFirstSeen)', (db) => modelsFirstSeen(db)],
      ['digest: usage 7d by key', (db) => usageBreakdown(db, { ...window, by: 'key' })],
      ['digest: every input (loadDigestInputs)', (db) => loadDigestInputs({ db, window, now: new Date() })],
    ];
    const results: BenchResult[] = [];
    const pg = opts.store === 'postgres';
    for (const [name, query] of queries) {
      const timed = summarize(await timeRuns(() => query(handle.db), opts.runs ?? 15, 2));
      const scan = summarize(await timeRuns(() => around(() => query(scanDb)), opts.baselineRuns ?? 3, 1));
      results.push({
        item: '3',
        name: `${name}, ${tag}, ${(total / 1e6).toFixed(2)} M rows`,
        value: round(timed.p50),
        unit: 'ms',
        baseline: round(scan.p50),
        baselineName: 'full scan p50',
        ratio: round(timed.p50 / scan.p50, 3),
        ...(pg ? { target: '<= 50 ms', met: timed.p50 <= 50 } : {}),
        note: `p99 ${round(timed.p99)} ms over ${timed.n} runs`,
      });
      log(`  ${tag}: ${name}: p50 ${timed.p50.toFixed(2)} ms, full scan ${scan.p50.toFixed(1)} ms`);
    }
    return results;
  } finally {
    await scanSql?.end({ timeout: 5 });
    await handle.close();
  }
}
