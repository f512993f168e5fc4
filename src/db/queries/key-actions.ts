/**
 * Key actions asked for from chat: created pending, claimed by exactly one Confirm / Approve press
 * (an atomic `pending → running` update), then finished as `done` or `failed` with before / after.
 * @module
 */
import { and, desc, eq, gt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { type KeyActionKind, type KeyActionRow, type KeyActionStatus, type KeyState, keyActions } from '../schema.js';

interface NewKeyAction {
  action: KeyActionKind;
  keyHash: string;
  keyName: string;
  params?: { limit?: number | null; limitReset?: string | null } | null;
  status: KeyActionStatus;
  mode: string;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
  before?: KeyState | null;
}

export async function createKeyAction(db: Db, row: NewKeyAction): Promise<KeyActionRow> {
  const [created] = await db.insert(keyActions).values(row).returning();
  if (!created) throw new Error('key_actions insert returned no row');
  return created;
}

export async function keyActionById(db: Db, id: number): Promise<KeyActionRow | null> {
  const [row] = await db.select().from(keyActions).where(eq(keyActions.id, id));
  return row ?? null;
}

/** Takes a pending, unexpired action for one press; `null` when another press took it, or it lapsed. */
export async function claimKeyAction(db: Db, id: number, now: Date): Promise<KeyActionRow | null> {
  const [row] = await db
    .update(keyActions)
    .set({ status: 'running' })
    .where(and(eq(keyActions.id, id), eq(keyActions.status, 'pending'), gt(keyActions.expiresAt, now)))
    .returning();
  return row ?? null;
}

/** Ends a pending action without a change (`cancelled` or `expired`); false when it was not pending. */
export async function closeKeyAction(
  db: Db,
  id: number,
  status: 'cancelled' | 'expired',
  by: string | null,
  at: Date,
): Promise<boolean> {
  const rows = await db
    .update(keyActions)
    .set({ status, decidedBy: by, decidedAt: at })
    .where(and(eq(keyActions.id, id), eq(keyActions.status, 'pending')))
    .returning({ id: keyActions.id });
  return rows.length > 0;
}

/** Records the outcome of a claimed action. */
export async function finishKeyAction(
  db: Db,
  id: number,
  outcome: {
    status: 'done' | 'failed';
    decidedBy: string;
    decidedAt: Date;
    before: KeyState | null;
    after: KeyState | null;
    error?: string | null;
  },
): Promise<void> {
  await db
    .update(keyActions)
    .set({ ...outcome, error: outcome.error ?? null })
    .where(eq(keyActions.id, id));
}

/** Until when a key's alerts are snoozed from its Snooze button, or `null`. */
export async function keySnoozedUntil(db: Db, keyHash: string, now: Date): Promise<Date | null> {
  const [row] = await db
    .select({ until: keyActions.expiresAt })
    .from(keyActions)
    .where(
      and(
        eq(keyActions.keyHash, keyHash),
        eq(keyActions.action, 'snooze'),
        eq(keyActions.status, 'done'),
        gt(keyActions.expiresAt, now),
      ),
    )
    .orderBy(desc(keyActions.expiresAt))
    .limit(1);
  return row?.until ?? null;
}
