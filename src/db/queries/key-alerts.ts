/**
 * Key snapshots (every key's counters at each credits check) and the key budget / runaway rules
 * with their per-key state. Transitions are conditional UPDATEs, so replicas checking the same
 * snapshot post once.
 * @module
 */
import { and, asc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { KeyItem } from '../../openrouter/types.js';
import type { Db } from '../client.js';
import { activityDays, type Platform } from '../schema.js';
import {
  type KeyAlertKind,
  type KeyAlertRuleRow,
  type KeyAlertStateRow,
  type KeySnapshotRow,
  keyAlertRules,
  keyAlertStates,
  keySnapshots,
} from '../schema-keyalerts.js';
import { chunks } from './util.js';

export type KeyAlertRule = KeyAlertRuleRow;
export type KeyAlertState = KeyAlertStateRow;
type KeySnapshot = KeySnapshotRow;

/** Stores one reading of every listed key at `at`. */
export async function insertKeySnapshots(db: Db, keys: readonly KeyItem[], at: Date): Promise<number> {
  let n = 0;
  for (const part of chunks(keys, 500)) {
    await db.insert(keySnapshots).values(
      part.map((k) => ({
        takenAt: at,
        keyHash: k.hash,
        usage: k.usage,
        usageDaily: k.usageDaily,
        usageWeekly: k.usageWeekly,
        usageMonthly: k.usageMonthly,
        limit: k.limit,
        limitRemaining: k.limitRemaining,
        limitReset: k.limitReset,
        disabled: k.disabled,
      })),
    );
    n += part.length;
  }
  return n;
}

/** Every key's readings taken at or after `since`, oldest first, by key hash. */
export async function keySnapshotsSince(db: Db, since: Date): Promise<Map<string, KeySnapshot[]>> {
  const rows = await db
    .select()
    .from(keySnapshots)
    .where(gte(keySnapshots.takenAt, since))
    .orderBy(asc(keySnapshots.keyHash), asc(keySnapshots.takenAt));
  const out = new Map<string, KeySnapshot[]>();
  for (const row of rows) {
    const list = out.get(row.keyHash) ?? [];
    list.push(row);
    out.set(row.keyHash, list);
  }
  return out;
}

/** Deletes readings older than `before`; returns how many. */
export async function pruneKeySnapshots(db: Db, before: Date): Promise<number> {
  const gone = await db.delete(keySnapshots).where(lt(keySnapshots.takenAt, before)).returning({ id: keySnapshots.id });
  return gone.length;
}

/** Per-key activity spend over [from, to) (UTC dates), by key hash. */
export async function keySpendBetween(db: Db, from: string, to: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ hash: activityDays.keyHash, usd: sql<number>`coalesce(sum(${activityDays.usage}), 0)::float8` })
    .from(activityDays)
    .where(and(ne(activityDays.keyHash, ''), gte(activityDays.date, from), sql`${activityDays.date} < ${to}::date`))
    .groupBy(activityDays.keyHash);
  return new Map(rows.map((r) => [r.hash, Number(r.usd)]));
}

interface KeyRuleInput {
  platform: Platform;
  workspaceId: string;
  channelId: string;
  kind: KeyAlertKind;
  target: string;
  threshold: number;
  createdBy: string;
  now: Date;
}

/** Creates the channel's rule for that kind and target, or replaces its threshold (and re-arms it). */
export async function upsertKeyRule(db: Db, input: KeyRuleInput): Promise<KeyAlertRule> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(keyAlertRules)
      .values({ ...input, createdAt: input.now })
      .onConflictDoUpdate({
        target: [
          keyAlertRules.platform,
          keyAlertRules.workspaceId,
          keyAlertRules.channelId,
          keyAlertRules.kind,
          keyAlertRules.target,
        ],
        set: { threshold: input.threshold, createdBy: input.createdBy, createdAt: input.now, snoozedUntil: null },
      })
      .returning();
    if (!row) throw new Error('upsertKeyRule returned no row');
    await tx.delete(keyAlertStates).where(eq(keyAlertStates.ruleId, row.id));
    return row;
  });
}

interface ChannelScope {
  platform: Platform;
  workspaceId: string;
  channelId: string;
}

const inChannel = (c: ChannelScope) =>
  and(
    eq(keyAlertRules.platform, c.platform),
    eq(keyAlertRules.workspaceId, c.workspaceId),
    eq(keyAlertRules.channelId, c.channelId),
  );

export async function listKeyRules(db: Db, channel: ChannelScope): Promise<KeyAlertRule[]> {
  return db
    .select()
    .from(keyAlertRules)
    .where(inChannel(channel))
    .orderBy(asc(keyAlertRules.kind), asc(keyAlertRules.target));
}

/** Deletes the channel's key rules (of one kind, or all); returns how many. */
export async function deleteKeyRules(db: Db, channel: ChannelScope, kind?: KeyAlertKind): Promise<number> {
  const gone = await db
    .delete(keyAlertRules)
    .where(and(inChannel(channel), kind ? eq(keyAlertRules.kind, kind) : undefined))
    .returning({ id: keyAlertRules.id });
  return gone.length;
}

export async function allKeyRules(db: Db): Promise<KeyAlertRule[]> {
  return db.select().from(keyAlertRules).orderBy(asc(keyAlertRules.id));
}

export async function keyRuleById(db: Db, id: number): Promise<KeyAlertRule | null> {
  const [row] = await db.select().from(keyAlertRules).where(eq(keyAlertRules.id, id));
  return row ?? null;
}

export async function setKeyRuleSnooze(db: Db, id: number, until: Date | null): Promise<void> {
  await db.update(keyAlertRules).set({ snoozedUntil: until }).where(eq(keyAlertRules.id, id));
}

/** The rule's states by key hash (created armed on first use). */
export async function keyStates(
  db: Db,
  ruleId: number,
  hashes: readonly string[],
): Promise<Map<string, KeyAlertState>> {
  if (hashes.length > 0) {
    await db
      .insert(keyAlertStates)
      .values(hashes.map((keyHash) => ({ ruleId, keyHash })))
      .onConflictDoNothing();
  }
  const rows = await db.select().from(keyAlertStates).where(eq(keyAlertStates.ruleId, ruleId));
  return new Map(rows.map((r) => [r.keyHash, r]));
}

/** Fields a state change may set. */
type KeyStateFields = Partial<
  Pick<KeyAlertState, 'period' | 'lastValue' | 'firedAt' | 'since' | 'messageId' | 'acknowledgedBy'>
>;

/**
 * Moves one key's state from `from` to `to` if it is still there; armed → fired bumps the crossing.
 * Returns the state after the move, or null when another runner moved it first.
 */
export async function transitionKeyState(
  db: Db,
  ruleId: number,
  keyHash: string,
  from: 'armed' | 'fired',
  to: 'armed' | 'fired',
  fields: KeyStateFields = {},
): Promise<KeyAlertState | null> {
  const crossing = from === 'armed' && to === 'fired' ? { crossingNo: sql`${keyAlertStates.crossingNo} + 1` } : {};
  const [row] = await db
    .update(keyAlertStates)
    .set({ ...fields, ...crossing, state: to })
    .where(and(eq(keyAlertStates.ruleId, ruleId), eq(keyAlertStates.keyHash, keyHash), eq(keyAlertStates.state, from)))
    .returning();
  return row ?? null;
}

export async function updateKeyState(db: Db, ruleId: number, keyHash: string, fields: KeyStateFields): Promise<void> {
  if (Object.keys(fields).length === 0) return;
  await db
    .update(keyAlertStates)
    .set(fields)
    .where(and(eq(keyAlertStates.ruleId, ruleId), eq(keyAlertStates.keyHash, keyHash)));
}

/** Acknowledges every fired key of the rule. */
export async function acknowledgeKeyRule(db: Db, ruleId: number, by: string): Promise<void> {
  await db
    .update(keyAlertStates)
    .set({ acknowledgedBy: by })
    .where(and(eq(keyAlertStates.ruleId, ruleId), inArray(keyAlertStates.state, ['fired'])));
}
