import { asc, eq } from 'drizzle-orm';
import type { Db } from '../client.js';
import { type SyncStateRow, syncState } from '../schema.js';

/** `/activity` serves the last 30 completed UTC days. */
const ACTIVITY_DAYS = 30;

export async function markSyncStarted(db: Db, name: string, at: Date): Promise<void> {
  await db
    .insert(syncState)
    .values({ name, lastStartedAt: at })
    .onConflictDoUpdate({ target: syncState.name, set: { lastStartedAt: at } });
}

export async function markSyncOk(db: Db, name: string, at: Date, rows: number): Promise<void> {
  await db
    .insert(syncState)
    .values({ name, lastOkAt: at, rows, lastError: null })
    .onConflictDoUpdate({ target: syncState.name, set: { lastOkAt: at, rows, lastError: null } });
}

export async function markSyncFailed(db: Db, name: string, error: string): Promise<void> {
  await db
    .insert(syncState)
    .values({ name, lastError: error })
    .onConflictDoUpdate({ target: syncState.name, set: { lastError: error } });
}

const COLUMNS = {
  name: syncState.name,
  lastStartedAt: syncState.lastStartedAt,
  lastOkAt: syncState.lastOkAt,
  lastError: syncState.lastError,
  rows: syncState.rows,
};

export async function getSyncState(db: Db, name: string): Promise<SyncStateRow | null> {
  const [row] = await db.select(COLUMNS).from(syncState).where(eq(syncState.name, name));
  return row ?? null;
}

export async function listSyncState(db: Db): Promise<SyncStateRow[]> {
  return db.select(COLUMNS).from(syncState).orderBy(asc(syncState.name));
}

/** The days [from, to) that the last successful full-window activity sync named `name` covered. */
export async function activityWindowSynced(db: Db, name: string): Promise<{ from: string; to: string } | null> {
  const state = await getSyncState(db, name);
  if (!state?.lastOkAt) return null;
  const today = Date.UTC(state.lastOkAt.getUTCFullYear(), state.lastOkAt.getUTCMonth(), state.lastOkAt.getUTCDate());
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(today - ACTIVITY_DAYS * 86_400_000), to: day(today) };
}
