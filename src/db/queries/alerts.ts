import { and, asc, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  type AlertEventRow,
  type AlertKind,
  type AlertRuleRow,
  type AlertState,
  alertEvents,
  alertRules,
  type Platform,
} from '../schema.js';

export type AlertRule = AlertRuleRow;
export type AlertEvent = AlertEventRow;

export interface RuleScope {
  platform: Platform;
  workspaceId: string;
  /** Omit for the whole workspace. */
  channelId?: string;
}

export interface RuleInput {
  platform: Platform;
  workspaceId: string;
  channelId: string;
  kind: AlertKind;
  threshold: number;
  createdBy: string;
  now: Date;
}

/** Fields a transition may set along with the state. */
export type TransitionFields = Partial<
  Pick<AlertRule, 'lastValue' | 'firedAt' | 'acknowledgedBy' | 'acknowledgedAt' | 'snoozedUntil'>
>;

const scopeIs = (s: RuleScope) =>
  and(
    eq(alertRules.platform, s.platform),
    eq(alertRules.workspaceId, s.workspaceId),
    s.channelId === undefined ? undefined : eq(alertRules.channelId, s.channelId),
  );

/** Creates the channel's rule of that kind, or replaces its threshold and re-arms it. */
export async function upsertRule(db: Db, input: RuleInput): Promise<AlertRule> {
  const fresh = {
    threshold: input.threshold,
    state: 'armed' as const,
    lastValue: null,
    firedAt: null,
    acknowledgedBy: null,
    acknowledgedAt: null,
    snoozedUntil: null,
    createdBy: input.createdBy,
    createdAt: input.now,
  };
  const [row] = await db
    .insert(alertRules)
    .values({
      platform: input.platform,
      workspaceId: input.workspaceId,
      channelId: input.channelId,
      kind: input.kind,
      ...fresh,
    })
    .onConflictDoUpdate({
      target: [alertRules.platform, alertRules.workspaceId, alertRules.channelId, alertRules.kind],
      set: fresh,
    })
    .returning();
  if (!row) throw new Error('upsertRule returned no row');
  return row;
}

/** Deletes the channel's rules (of one kind, or all); returns how many. */
export async function deleteRules(db: Db, channel: Required<RuleScope>, kind?: AlertKind): Promise<number> {
  const gone = await db
    .delete(alertRules)
    .where(and(scopeIs(channel), kind ? eq(alertRules.kind, kind) : undefined))
    .returning({ id: alertRules.id });
  return gone.length;
}

/** A channel's or a workspace's rules. */
export async function listRules(db: Db, scope: RuleScope): Promise<AlertRule[]> {
  return db.select().from(alertRules).where(scopeIs(scope)).orderBy(asc(alertRules.channelId), asc(alertRules.kind));
}

export async function allRules(db: Db): Promise<AlertRule[]> {
  return db.select().from(alertRules).orderBy(asc(alertRules.id));
}

/**
 * Moves the rule from `from` to `to` only if it is still in `from` (one conditional UPDATE), so of
 * several replicas evaluating the same crossing exactly one gets true. armed → fired starts a new
 * crossing (`crossingNo` + 1).
 */
export async function transitionRule(
  db: Db,
  id: number,
  from: AlertState,
  to: AlertState,
  fields: TransitionFields = {},
): Promise<boolean> {
  const crossing = from === 'armed' && to === 'fired' ? { crossingNo: sql`${alertRules.crossingNo} + 1` } : {};
  const changed = await db
    .update(alertRules)
    .set({ ...fields, ...crossing, state: to })
    .where(and(eq(alertRules.id, id), eq(alertRules.state, from)))
    .returning({ id: alertRules.id });
  return changed.length === 1;
}

/** Records the last evaluated value without changing the state. */
export async function setLastValue(db: Db, id: number, value: number | null): Promise<void> {
  await db.update(alertRules).set({ lastValue: value }).where(eq(alertRules.id, id));
}

export async function setSnooze(db: Db, id: number, until: Date | null): Promise<boolean> {
  const changed = await db
    .update(alertRules)
    .set({ snoozedUntil: until })
    .where(eq(alertRules.id, id))
    .returning({ id: alertRules.id });
  return changed.length === 1;
}

export async function acknowledge(db: Db, id: number, userId: string, at: Date): Promise<boolean> {
  const changed = await db
    .update(alertRules)
    .set({ acknowledgedBy: userId, acknowledgedAt: at })
    .where(eq(alertRules.id, id))
    .returning({ id: alertRules.id });
  return changed.length === 1;
}

/**
 * The event of the rule's current crossing, created once: null when it already exists, so only
 * one message is posted per crossing.
 */
export async function recordAlertEvent(
  db: Db,
  params: { ruleId: number; firedAt: Date; value: number | null },
): Promise<AlertEvent | null> {
  const [row] = await db
    .insert(alertEvents)
    .values({
      ruleId: params.ruleId,
      crossingNo: sql`(select ${alertRules.crossingNo} from ${alertRules} where ${alertRules.id} = ${params.ruleId})`,
      firedAt: params.firedAt,
      value: params.value,
    })
    .onConflictDoNothing({ target: [alertEvents.ruleId, alertEvents.crossingNo] })
    .returning();
  return row ?? null;
}

export async function markAlertEvent(
  db: Db,
  id: number,
  result: { status: 'sent'; messageId: string | null } | { status: 'failed'; error: string },
): Promise<void> {
  await db
    .update(alertEvents)
    .set(
      result.status === 'sent'
        ? { status: 'sent', messageId: result.messageId }
        : { status: 'failed', error: result.error },
    )
    .where(eq(alertEvents.id, id));
}

/** A crossing's event not yet sent is held this long by whoever is posting it. */
const ALERT_EVENT_LEASE_MS = 5 * 60_000;

/**
 * Takes over the unsent event of a rule's current crossing: a failed post, or a pending one whose
 * poster died (older than the lease). One conditional UPDATE, so one replica gets it. `fired_at`
 * doubles as the lease start (the schema has no lease column).
 */
export async function claimRetryableEvent(
  db: Db,
  ruleId: number,
  crossingNo: number,
  now: Date,
): Promise<AlertEventRow | null> {
  const stale = new Date(now.getTime() - ALERT_EVENT_LEASE_MS);
  const [row] = await db
    .update(alertEvents)
    .set({ status: 'pending', firedAt: now })
    .where(
      and(
        eq(alertEvents.ruleId, ruleId),
        eq(alertEvents.crossingNo, crossingNo),
        or(eq(alertEvents.status, 'failed'), and(eq(alertEvents.status, 'pending'), lt(alertEvents.firedAt, stale))),
      ),
    )
    .returning();
  return row ?? null;
}

/** One rule by its id, or null. */
export async function ruleById(db: Db, id: number): Promise<AlertRuleRow | null> {
  const [row] = await db.select().from(alertRules).where(eq(alertRules.id, id));
  return row ?? null;
}
