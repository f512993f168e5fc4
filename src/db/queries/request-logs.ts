import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  type GenerationLookupRow,
  generationLookups,
  generations,
  type LookupStatus,
  type NewRequestLogRow,
  type RequestLogRow,
  requestLogs,
} from '../schema.js';
import { chunks } from './util.js';

/** 13 columns × 1000 rows stays well under Postgres' 65,535 bind parameters. */
const BATCH = 1000;

export type RequestLogInput = Omit<NewRequestLogRow, 'id' | 'ingestedAt'>;

/** Stores parsed log lines in batches; returns how many. */
export async function insertRequestLogs(db: Db, rows: readonly RequestLogInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  await db.transaction(async (tx) => {
    for (const batch of chunks(rows, BATCH)) await tx.insert(requestLogs).values(batch);
  });
  return rows.length;
}

export async function requestLogsByBatch(db: Db, batchId: string): Promise<RequestLogRow[]> {
  return db
    .select()
    .from(requestLogs)
    .where(eq(requestLogs.batchId, batchId))
    .orderBy(asc(requestLogs.lineNo), asc(requestLogs.id));
}

/** Logs whose timestamp falls in [from, to). */
export async function requestLogsBetween(db: Db, params: { from: Date; to: Date }): Promise<RequestLogRow[]> {
  return db
    .select()
    .from(requestLogs)
    .where(and(sql`${requestLogs.ts} >= ${params.from}`, sql`${requestLogs.ts} < ${params.to}`))
    .orderBy(asc(requestLogs.ts), asc(requestLogs.id));
}

/**
 * Queues `/generation` lookups for ids neither cached nor queued yet; returns how many were new.
 */
export async function enqueueLookups(db: Db, ids: readonly string[], now: Date): Promise<number> {
  const unique = [...new Set(ids)];
  let added = 0;
  for (const batch of chunks(unique, BATCH)) {
    const cached = await db.select({ id: generations.id }).from(generations).where(inArray(generations.id, batch));
    const known = new Set(cached.map((r) => r.id));
    const fresh = batch.filter((id) => !known.has(id));
    if (fresh.length === 0) continue;
    const inserted = await db
      .insert(generationLookups)
      .values(fresh.map((id) => ({ id, nextAttemptAt: now, updatedAt: now })))
      .onConflictDoNothing()
      .returning({ id: generationLookups.id });
    added += inserted.length;
  }
  return added;
}

/**
 * Takes up to `n` due lookups for this worker: they are pushed `leaseMs` into the future so no
 * other worker takes them meanwhile (`for update skip locked`). Unfinished ones come back after it.
 */
export async function claimLookups(
  db: Db,
  params: { n: number; now: Date; leaseMs?: number },
): Promise<GenerationLookupRow[]> {
  const due = db
    .select({ id: generationLookups.id })
    .from(generationLookups)
    .where(and(eq(generationLookups.status, 'queued'), lte(generationLookups.nextAttemptAt, params.now)))
    .orderBy(asc(generationLookups.nextAttemptAt))
    .limit(params.n)
    .for('update', { skipLocked: true });
  return db
    .update(generationLookups)
    .set({
      attempts: sql`${generationLookups.attempts} + 1`,
      nextAttemptAt: new Date(params.now.getTime() + (params.leaseMs ?? 60_000)),
      updatedAt: params.now,
    })
    .where(inArray(generationLookups.id, due))
    .returning();
}

/**
 * Finishes a lookup: 'done' / 'not_found' / 'error' are final; 'queued' with `retryAt` tries again later.
 */
export async function completeLookup(
  db: Db,
  params: { id: string; status: LookupStatus; now: Date; error?: string; retryAt?: Date },
): Promise<void> {
  await db
    .update(generationLookups)
    .set({
      status: params.status,
      lastError: params.error ?? null,
      updatedAt: params.now,
      ...(params.retryAt ? { nextAttemptAt: params.retryAt } : {}),
    })
    .where(eq(generationLookups.id, params.id));
}

/** How many lookups are in each status. */
export async function lookupCounts(db: Db): Promise<Record<LookupStatus, number>> {
  const rows = await db
    .select({ status: generationLookups.status, n: sql<number>`count(*)`.mapWith(Number) })
    .from(generationLookups)
    .groupBy(generationLookups.status);
  const counts: Record<LookupStatus, number> = { queued: 0, done: 0, not_found: 0, error: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
