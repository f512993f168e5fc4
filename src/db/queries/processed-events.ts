import { lt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { processedEvents } from '../schema.js';

/** True the first time (platform, eventId) is seen, across processes sharing the store. */
export async function markProcessed(
  db: Db,
  params: { platform: string; eventId: string; at?: Date },
): Promise<boolean> {
  const inserted = await db
    .insert(processedEvents)
    .values({ platform: params.platform, eventId: params.eventId, ...(params.at ? { seenAt: params.at } : {}) })
    .onConflictDoNothing()
    .returning({ eventId: processedEvents.eventId });
  return inserted.length === 1;
}

/** Forgets events older than `olderThan` (Slack retries within minutes); returns how many. */
export async function pruneProcessed(db: Db, olderThan: Date): Promise<number> {
  const gone = await db
    .delete(processedEvents)
    .where(lt(processedEvents.seenAt, olderThan))
    .returning({ eventId: processedEvents.eventId });
  return gone.length;
}
