import { and, asc, desc, eq, gte, lt, ne, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { ActivityRow } from '../../openrouter/types.js';
import type { Db } from '../client.js';
import { activityDays, activityKeyDays } from '../schema.js';
import { activityWindowSynced } from './sync-state.js';
import { chunks } from './util.js';

const BATCH = 5000;

/** `from` inclusive, `to` exclusive, both `YYYY-MM-DD` (UTC days). */
export interface DateRange {
  from: string;
  to: string;
}

export type BreakdownBy = 'model' | 'provider' | 'key';

export interface UsageGroup {
  group: string;
  usd: number;
  byokUsd: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
}

const sumOf = (column: AnyPgColumn) => sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);

const inRange = ({ from, to }: DateRange) => and(gte(activityDays.date, from), lt(activityDays.date, to));
const scope = (keyHash: string | undefined) =>
  keyHash === undefined ? eq(activityDays.keyHash, '') : eq(activityDays.keyHash, keyHash);

/**
 * Writes `/activity` rows for one scope (`keyHash` '' = account-wide, else that key's rows).
 * Idempotent: rows are keyed by (key, date, model permaslug, endpoint), and later figures win.
 * One statement per 5,000 rows: the
 * batch travels as a single JSON parameter expanded by `jsonb_to_recordset` on the server, instead of
 * a VALUES list of 13 parameters a row (the same on PGlite and postgres.js; bench item 4 measures it
 * against COPY). Numbers survive exactly: JSON.stringify writes the shortest round-trip form of a double.
 */
export async function upsertActivity(
  db: Db,
  rows: readonly ActivityRow[],
  keyHash: string,
  syncedAt: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  await db.transaction(async (tx) => {
    for (const batch of chunks(rows, BATCH)) {
      const json = JSON.stringify(
        batch.map((r) => ({
          date: r.date,
          model: r.model,
          model_permaslug: r.modelPermaslug,
          endpoint_id: r.endpointId,
          provider_name: r.providerName,
          usage: r.usage,
          byok_usage: r.byokUsageInference,
          requests: Math.round(r.requests),
          prompt_tokens: Math.round(r.promptTokens),
          completion_tokens: Math.round(r.completionTokens),
          reasoning_tokens: Math.round(r.reasoningTokens),
        })),
      );
      await tx.execute(sql`
        insert into activity_days (date, key_hash, model, model_permaslug, endpoint_id, provider_name, usage,
          byok_usage, requests, prompt_tokens, completion_tokens, reasoning_tokens, synced_at)
        select r.date, ${keyHash}, r.model, r.model_permaslug, r.endpoint_id, r.provider_name, r.usage,
          r.byok_usage, r.requests, r.prompt_tokens, r.completion_tokens, r.reasoning_tokens, ${syncedAt.toISOString()}::timestamptz
        from jsonb_to_recordset(${json}::jsonb) as r(date date, model text, model_permaslug text, endpoint_id text,
          provider_name text, usage double precision, byok_usage double precision, requests bigint,
          prompt_tokens bigint, completion_tokens bigint, reasoning_tokens bigint)
        on conflict (key_hash, date, model_permaslug, endpoint_id) do update set
          model = excluded.model, provider_name = excluded.provider_name, usage = excluded.usage,
          byok_usage = excluded.byok_usage, requests = excluded.requests, prompt_tokens = excluded.prompt_tokens,
          completion_tokens = excluded.completion_tokens, reasoning_tokens = excluded.reasoning_tokens,
          synced_at = excluded.synced_at`);
    }
    // The (key, day) rollup of the days just written, from the rows themselves (schema-rollups.ts).
    let first = rows[0]?.date ?? '';
    let last = first;
    for (const r of rows) {
      if (r.date < first) first = r.date;
      if (r.date > last) last = r.date;
    }
    await tx.execute(sql`
      insert into activity_key_days (key_hash, date, usage, byok_usage, requests, prompt_tokens, completion_tokens,
        reasoning_tokens)
      select key_hash, date, sum(usage), sum(byok_usage), sum(requests), sum(prompt_tokens), sum(completion_tokens),
        sum(reasoning_tokens)
      from activity_days where key_hash = ${keyHash} and date >= ${first}::date and date <= ${last}::date
      group by key_hash, date
      on conflict (date, key_hash) do update set usage = excluded.usage, byok_usage = excluded.byok_usage,
        requests = excluded.requests, prompt_tokens = excluded.prompt_tokens,
        completion_tokens = excluded.completion_tokens, reasoning_tokens = excluded.reasoning_tokens`);
  });
  return rows.length;
}

/** Spend per UTC day (account-wide unless `keyHash`), days without rows left out. */
export async function spendByDay(
  db: Db,
  params: DateRange & { keyHash?: string },
): Promise<{ date: string; usd: number; requests: number; byokUsd: number }[]> {
  return db
    .select({
      date: activityDays.date,
      usd: sumOf(activityDays.usage),
      requests: sumOf(activityDays.requests),
      byokUsd: sumOf(activityDays.byokUsage),
    })
    .from(activityDays)
    .where(and(scope(params.keyHash), inRange(params)))
    .groupBy(activityDays.date)
    .orderBy(asc(activityDays.date));
}

/**
 * Totals per model, provider (account-wide rows) or key (per-key rows, grouped by key hash) over
 * [from, to), largest spend first.
 */
export async function usageBreakdown(db: Db, params: DateRange & { by: BreakdownBy }): Promise<UsageGroup[]> {
  if (params.by === 'key') return usageByKey(db, params);
  const group =
    params.by === 'model'
      ? activityDays.model
      : params.by === 'provider'
        ? activityDays.providerName
        : activityDays.keyHash;
  const usd = sumOf(activityDays.usage);
  return db
    .select({
      group,
      usd,
      byokUsd: sumOf(activityDays.byokUsage),
      requests: sumOf(activityDays.requests),
      promptTokens: sumOf(activityDays.promptTokens),
      completionTokens: sumOf(activityDays.completionTokens),
      reasoningTokens: sumOf(activityDays.reasoningTokens),
    })
    .from(activityDays)
    .where(and(eq(activityDays.keyHash, ''), inRange(params)))
    .groupBy(group)
    .orderBy(desc(usd), asc(group));
}

/** Per key, from the (key, day) rollup: the same sums as the per-key rows, a row per key and day to read. */
async function usageByKey(db: Db, params: DateRange): Promise<UsageGroup[]> {
  const t = activityKeyDays;
  const usd = sumOf(t.usage);
  return db
    .select({
      group: t.keyHash,
      usd,
      byokUsd: sumOf(t.byokUsage),
      requests: sumOf(t.requests),
      promptTokens: sumOf(t.promptTokens),
      completionTokens: sumOf(t.completionTokens),
      reasoningTokens: sumOf(t.reasoningTokens),
    })
    .from(t)
    .where(and(ne(t.keyHash, ''), gte(t.date, params.from), lt(t.date, params.to)))
    .groupBy(t.keyHash)
    .orderBy(desc(usd), asc(t.keyHash));
}

/**
 * The days of [from, to) the store can answer for: days holding rows, plus every day of the
 * 30-day window served by the last successful activity sync (days without spend have no rows).
 * `perKey` asks about the per-key rows instead of the account-wide ones.
 */
export async function activityCoverage(db: Db, params: DateRange & { perKey?: boolean }): Promise<string[]> {
  const rows = await db
    .selectDistinct({ date: activityDays.date })
    .from(activityDays)
    .where(and(params.perKey ? ne(activityDays.keyHash, '') : eq(activityDays.keyHash, ''), inRange(params)));
  const days = new Set(rows.map((r) => r.date));
  const window = await activityWindowSynced(db, params.perKey ? 'activity-keys' : 'activity');
  if (window) {
    for (let d = max(window.from, params.from); d < min(window.to, params.to); d = nextDay(d)) days.add(d);
  }
  return [...days].sort();
}

/** Account-wide spend per (day, model) over [from, to), for the digest chart. */
export async function dailyByModel(db: Db, params: DateRange): Promise<{ date: string; model: string; usd: number }[]> {
  return db
    .select({ date: activityDays.date, model: activityDays.model, usd: sumOf(activityDays.usage) })
    .from(activityDays)
    .where(and(eq(activityDays.keyHash, ''), inRange(params)))
    .groupBy(activityDays.date, activityDays.model)
    .orderBy(asc(activityDays.date), asc(activityDays.model));
}

/**
 * Spend per (day, group) over [from, to): by model or provider from the account-wide rows, by key
 * (hash) from the per-key rows, for `usage … chart`.
 */
export async function dailyBreakdown(
  db: Db,
  params: DateRange & { by: BreakdownBy },
): Promise<{ date: string; group: string; usd: number }[]> {
  const group =
    params.by === 'model'
      ? activityDays.model
      : params.by === 'provider'
        ? activityDays.providerName
        : activityDays.keyHash;
  const keyScope = params.by === 'key' ? ne(activityDays.keyHash, '') : eq(activityDays.keyHash, '');
  return db
    .select({ date: activityDays.date, group, usd: sumOf(activityDays.usage) })
    .from(activityDays)
    .where(and(keyScope, inRange(params)))
    .groupBy(activityDays.date, group)
    .orderBy(asc(activityDays.date), asc(group));
}

/** The first day each model shows up in the stored account-wide history (new models in a digest). */
export async function modelsFirstSeen(db: Db): Promise<Map<string, string>> {
  const rows = await db
    .select({ model: activityDays.model, first: sql<string>`min(${activityDays.date})::text` })
    .from(activityDays)
    .where(eq(activityDays.keyHash, ''))
    .groupBy(activityDays.model);
  return new Map(rows.map((r) => [r.model, r.first]));
}

const max = (a: string, b: string) => (a > b ? a : b);
const min = (a: string, b: string) => (a < b ? a : b);
function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
