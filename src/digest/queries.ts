/**
 * What the digest reads from the store (and `/models` for expiration dates), gathered into
 * `DigestInputs`. Queries the shared query modules lack live here.
 * @module
 */
import { and, asc, desc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import { modelsFirstSeen, usageBreakdown } from '../db/queries/activity.js';
import { latestCreditSnapshot } from '../db/queries/credits.js';
import { keyNames } from '../db/queries/keys.js';
import { activityDays, type DigestDeliveryRow, digestDeliveries } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { OpenRouterClient } from '../openrouter/types.js';
import { spendByTag } from '../reconcile/queries.js';
import { addDays, type DayModelRow, type DayWindow, type DigestInputs } from './figures.js';

const num = (column: AnyPgColumn) => sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);

/** Account-wide spend, requests and tokens per (UTC day, model) over [from, to). */
export async function dayModelRows(db: Db, w: DayWindow): Promise<DayModelRow[]> {
  return db
    .select({
      date: activityDays.date,
      model: activityDays.model,
      usd: num(activityDays.usage),
      requests: num(activityDays.requests),
      promptTokens: num(activityDays.promptTokens),
      completionTokens: num(activityDays.completionTokens),
      reasoningTokens: num(activityDays.reasoningTokens),
    })
    .from(activityDays)
    .where(and(eq(activityDays.keyHash, ''), gte(activityDays.date, w.from), lt(activityDays.date, w.to)))
    .groupBy(activityDays.date, activityDays.model)
    .orderBy(asc(activityDays.date), asc(activityDays.model));
}

/** Whether any per-key activity rows exist in [from, to). */
async function hasPerKeyRows(db: Db, w: DayWindow): Promise<boolean> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(activityDays)
    .where(and(ne(activityDays.keyHash, ''), gte(activityDays.date, w.from), lt(activityDays.date, w.to)));
  return (row?.n ?? 0) > 0;
}

/** Account-wide rows stored for one UTC day (0 = not published yet, or no spend that day). */
export async function rowsOnDay(db: Db, day: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(activityDays)
    .where(and(eq(activityDays.keyHash, ''), eq(activityDays.date, day)));
  return row?.n ?? 0;
}

export interface LoadInputsOptions {
  db: Db;
  window: DayWindow;
  now: Date;
  openrouter?: Pick<OpenRouterClient, 'listModels' | 'hasManagementKey'>;
  log?: Logger;
}

/** Gathers everything `computeDigestFigures` needs for the window. */
export async function loadDigestInputs(opts: LoadInputsOptions): Promise<DigestInputs> {
  const { db, window } = opts;
  const previous = { from: addDays(window.from, -7), to: window.from };
  const [rows, firstSeen, snapshot] = await Promise.all([
    dayModelRows(db, { from: previous.from, to: window.to }),
    modelsFirstSeen(db),
    latestCreditSnapshot(db),
  ]);

  let keys: DigestInputs['keys'] = null;
  if (
    opts.openrouter?.hasManagementKey !== false &&
    (await hasPerKeyRows(db, { from: previous.from, to: window.to }))
  ) {
    const [names, now, before] = await Promise.all([
      keyNames(db),
      usageBreakdown(db, { ...window, by: 'key' }),
      usageBreakdown(db, { ...previous, by: 'key' }),
    ]);
    const prev = new Map(before.map((g) => [g.group, g.usd]));
    const hashes = new Set([...now.map((g) => g.group), ...prev.keys()]);
    keys = [...hashes].map((hash) => ({
      name: names.get(hash) ?? `${hash.slice(0, 8)}…`,
      usd: now.find((g) => g.group === hash)?.usd ?? 0,
      previousUsd: prev.get(hash) ?? 0,
    }));
  }

  const expirations = new Map<string, string>();
  if (opts.openrouter) {
    try {
      for (const m of await opts.openrouter.listModels()) {
        if (m.expirationDate) {
          expirations.set(m.id, m.expirationDate);
          if (m.canonicalSlug) expirations.set(m.canonicalSlug, m.expirationDate);
        }
      }
    } catch (error) {
      opts.log?.warn({ err: error }, 'digest: /models unavailable; expiring models left out');
    }
  }

  const tagRows = await spendByTag(db, {
    from: new Date(`${window.from}T00:00:00Z`),
    to: new Date(`${window.to}T00:00:00Z`),
  }).catch((error: unknown) => {
    opts.log?.warn({ err: error }, 'digest: spend by tag unavailable');
    return [];
  });
  const tags = tagRows
    .filter((t) => t.tag !== null && t.billedCost > 0)
    .map((t) => ({ tag: t.tag as string, usd: t.billedCost, requests: t.requests }));

  return {
    window,
    rows,
    firstSeen,
    keys,
    balance: snapshot ? { usd: snapshot.totalCredits - snapshot.totalUsage, asOf: snapshot.takenAt } : null,
    expirations,
    tags,
    now: opts.now,
  };
}

/** The subscription's newest delivery that is done (sent or skipped): later windows are due after it. */
export async function lastSettledDelivery(db: Db, subscriptionId: number): Promise<DigestDeliveryRow | null> {
  const [row] = await db
    .select()
    .from(digestDeliveries)
    .where(
      and(eq(digestDeliveries.subscriptionId, subscriptionId), inArray(digestDeliveries.status, ['sent', 'skipped'])),
    )
    .orderBy(desc(digestDeliveries.windowStart))
    .limit(1);
  return row ?? null;
}
