import { and, asc, desc, eq, gte, lt, ne, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { ActivityRow } from '../../openrouter/types.js';
import type { Db } from '../client.js';
import { activityDays } from '../schema.js';
import { activityWindowSynced } from './sync-state.js';
import { chunks, excludedColumns } from './util.js';

const BATCH = 1000;

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
 */
export async function upsertActivity(
  db: Db,
  rows: readonly ActivityRow[],
  keyHash: string,
  syncedAt: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const set = excludedColumns(activityDays, ['keyHash', 'date', 'modelPermaslug', 'endpointId']);
  await db.transaction(async (tx) => {
    for (const batch of chunks(rows, BATCH)) {
      await tx
        .insert(activityDays)
        .values(
          batch.map((r) => ({
            date: r.date,
            keyHash,
            model: r.model,
            modelPermaslug: r.modelPermaslug,
            endpointId: r.endpointId,
            providerName: r.providerName,
            usage: r.usage,
            byokUsage: r.byokUsageInference,
            requests: Math.round(r.requests),
            promptTokens: Math.round(r.promptTokens),
            completionTokens: Math.round(r.completionTokens),
            reasoningTokens: Math.round(r.reasoningTokens),
            syncedAt,
          })),
        )
        .onConflictDoUpdate({
          target: [activityDays.keyHash, activityDays.date, activityDays.modelPermaslug, activityDays.endpointId],
          set,
        });
    }
  });
  return rows.length;
}

/** Spend per UTC day (account-wide unless `keyHash`), days without rows left out. */
export async function spendByDay(
  db: Db,
  params: DateRange & { keyHash?: string },
): Promise<{ date: string; usd: number; requests: number }[]> {
  return db
    .select({ date: activityDays.date, usd: sumOf(activityDays.usage), requests: sumOf(activityDays.requests) })
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
  const group =
    params.by === 'model'
      ? activityDays.model
      : params.by === 'provider'
        ? activityDays.providerName
        : activityDays.keyHash;
  const keyScope = params.by === 'key' ? ne(activityDays.keyHash, '') : eq(activityDays.keyHash, '');
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
    .where(and(keyScope, inRange(params)))
    .groupBy(group)
    .orderBy(desc(usd), asc(group));
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
