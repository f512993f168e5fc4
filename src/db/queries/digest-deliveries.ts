import { and, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { type DigestDeliveryRow, digestDeliveries } from '../schema.js';

export type Delivery = DigestDeliveryRow;

export interface ClaimParams {
  subscriptionId: number;
  /** `YYYY-MM-DD`, the window's first day. */
  windowStart: string;
  /** `YYYY-MM-DD`, exclusive. */
  windowEnd: string;
  dueAt: Date;
  /** Who claims (process / replica id). */
  owner: string;
  /** How long the claim holds before another process may take it over. */
  leaseMs: number;
  now: Date;
  /** How many windows were missed before this one (recorded for the digest text). */
  missedWindows?: number;
}

/**
 * Claims the (subscription, window) delivery for `owner`, or returns null when someone else holds it
 * or it is done. A new window is claimed by inserting its unique row; an existing one only when it is
 * 'claimed' or 'failed' and its lease has run out, in one conditional UPDATE, so two processes can
 * never both hold it.
 */
export async function claimDelivery(db: Db, p: ClaimParams): Promise<Delivery | null> {
  const leaseUntil = new Date(p.now.getTime() + p.leaseMs);
  const [inserted] = await db
    .insert(digestDeliveries)
    .values({
      subscriptionId: p.subscriptionId,
      windowStart: p.windowStart,
      windowEnd: p.windowEnd,
      dueAt: p.dueAt,
      status: 'claimed',
      claimedBy: p.owner,
      leaseUntil,
      attempts: 1,
      missedWindows: p.missedWindows ?? 0,
      createdAt: p.now,
    })
    .onConflictDoNothing({ target: [digestDeliveries.subscriptionId, digestDeliveries.windowStart] })
    .returning();
  if (inserted) return inserted;
  const [taken] = await db
    .update(digestDeliveries)
    .set({ status: 'claimed', claimedBy: p.owner, leaseUntil, attempts: sql`${digestDeliveries.attempts} + 1` })
    .where(
      and(
        eq(digestDeliveries.subscriptionId, p.subscriptionId),
        eq(digestDeliveries.windowStart, p.windowStart),
        inArray(digestDeliveries.status, ['claimed', 'failed']),
        lt(digestDeliveries.leaseUntil, p.now),
      ),
    )
    .returning();
  return taken ?? null;
}

export async function markSent(db: Db, id: number, messageId: string | null, at = new Date()): Promise<void> {
  await db
    .update(digestDeliveries)
    .set({ status: 'sent', messageId, sentAt: at, leaseUntil: null, error: null })
    .where(eq(digestDeliveries.id, id));
}

/** Done without posting (e.g. the channel is gone, nothing to report). */
export async function markSkipped(db: Db, id: number, reason: string): Promise<void> {
  await db
    .update(digestDeliveries)
    .set({ status: 'skipped', error: reason, leaseUntil: null })
    .where(eq(digestDeliveries.id, id));
}

/**
 * Posting failed (or was deferred); another claim may retry from `retryAt`. `posted`: the chat post
 * did go out (a later step failed), so the ledger keeps saying it may have been posted.
 */
export async function markFailed(db: Db, id: number, error: string, retryAt: Date, posted = false): Promise<void> {
  await db
    .update(digestDeliveries)
    .set({ status: 'failed', error, leaseUntil: retryAt, ...(posted ? {} : { postStartedAt: null }) })
    .where(eq(digestDeliveries.id, id));
}

/** Recorded just before the chat post: if the process dies now, whoever takes over knows it may have posted. */
export async function markPostStarted(db: Db, id: number, at: Date): Promise<void> {
  await db.update(digestDeliveries).set({ postStartedAt: at }).where(eq(digestDeliveries.id, id));
}

/** The subscription's newest delivery (by window), or null. */
export async function lastDelivery(db: Db, subscriptionId: number): Promise<Delivery | null> {
  const [row] = await db
    .select()
    .from(digestDeliveries)
    .where(eq(digestDeliveries.subscriptionId, subscriptionId))
    .orderBy(desc(digestDeliveries.windowStart))
    .limit(1);
  return row ?? null;
}

/**
 * Ends every open claim now. Only for the embedded store at start-up: its `DATA_DIR` lock means no
 * other process is running, so a claim still open was left by a process that died mid-delivery,
 * and the next run takes it over at once instead of after its lease (the post itself is then found
 * by its dedupe key, never sent twice). Returns how many claims were ended.
 */
export async function releaseDeadClaims(db: Db, now: Date): Promise<number> {
  const rows = await db
    .update(digestDeliveries)
    .set({ leaseUntil: new Date(now.getTime() - 1) })
    .where(and(eq(digestDeliveries.status, 'claimed'), gt(digestDeliveries.leaseUntil, now)))
    .returning({ id: digestDeliveries.id });
  return rows.length;
}
