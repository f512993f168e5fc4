import { lt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { commandRateWindows } from '../schema.js';

/** The rate limit's window: commands are counted per user per clock minute. */
export const RATE_WINDOW_MS = 60_000;

/**
 * Counts one command for `userKey` in the window starting at `windowStart` and returns the window's
 * count including this one. One atomic upsert, so replicas sharing Postgres count together.
 */
export async function bumpRateWindow(db: Db, userKey: string, windowStart: Date): Promise<number> {
  const [row] = await db
    .insert(commandRateWindows)
    .values({ userKey, windowStart, hits: 1 })
    .onConflictDoUpdate({
      target: [commandRateWindows.userKey, commandRateWindows.windowStart],
      set: { hits: sql`${commandRateWindows.hits} + 1` },
    })
    .returning({ hits: commandRateWindows.hits });
  return row?.hits ?? 1;
}

/** Drops windows that started before `olderThan`; returns how many. */
export async function pruneRateWindows(db: Db, olderThan: Date): Promise<number> {
  const gone = await db
    .delete(commandRateWindows)
    .where(lt(commandRateWindows.windowStart, olderThan))
    .returning({ userKey: commandRateWindows.userKey });
  return gone.length;
}
