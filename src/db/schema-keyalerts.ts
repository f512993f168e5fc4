/**
 * Per-key readings and alerts (issue 13): a snapshot of every key's usage counters at each credits
 * check (a key's spend between two snapshots is its rate), and the key budget / runaway rules with
 * one state row per (rule, key) so `alert key all 80` fires once per key and crossing.
 * Re-exported by `schema.ts`, which drizzle-kit reads.
 * @module
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const usd = (name: string) => doublePrecision(name);

/** One key's `/keys` counters at one credits check. */
export const keySnapshots = pgTable(
  'key_snapshots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    takenAt: ts('taken_at').notNull(),
    keyHash: text('key_hash').notNull(),
    usage: usd('usage').notNull(),
    usageDaily: usd('usage_daily').notNull(),
    usageWeekly: usd('usage_weekly').notNull(),
    usageMonthly: usd('usage_monthly').notNull(),
    limit: usd('limit'),
    limitRemaining: usd('limit_remaining'),
    limitReset: text('limit_reset'),
    disabled: boolean('disabled').notNull(),
  },
  (t) => [
    index('key_snapshots_key_taken_idx').on(t.keyHash, t.takenAt),
    index('key_snapshots_taken_idx').on(t.takenAt),
  ],
);

export const KEY_ALERT_KINDS = ['key', 'runaway'] as const;
export type KeyAlertKind = (typeof KEY_ALERT_KINDS)[number];

/** `alert key <name|all> <percent>` and `alert runaway [factor]` of one channel. */
export const keyAlertRules = pgTable(
  'key_alert_rules',
  {
    id: serial('id').primaryKey(),
    platform: text('platform', { enum: ['slack', 'discord'] }).notNull(),
    workspaceId: text('workspace_id').notNull(),
    channelId: text('channel_id').notNull(),
    kind: text('kind', { enum: KEY_ALERT_KINDS }).notNull(),
    /** `key`: the key's hash, or `all`. `runaway`: always `all`. */
    target: text('target').notNull(),
    /** `key`: percent of the key's limit. `runaway`: factor over the normal hourly rate. */
    threshold: doublePrecision('threshold').notNull(),
    snoozedUntil: ts('snoozed_until'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('key_alert_rules_channel_uq').on(t.platform, t.workspaceId, t.channelId, t.kind, t.target),
    check('key_alert_rules_kind_ck', sql`${t.kind} in ('key', 'runaway')`),
  ],
);

/**
 * One rule's state for one key. armed → fired is one conditional UPDATE that bumps `crossing_no`;
 * `period` (limit and reset period) re-arms a key budget rule when it changes.
 */
export const keyAlertStates = pgTable(
  'key_alert_states',
  {
    ruleId: integer('rule_id')
      .notNull()
      .references(() => keyAlertRules.id, { onDelete: 'cascade' }),
    keyHash: text('key_hash').notNull(),
    state: text('state', { enum: ['armed', 'fired'] })
      .notNull()
      .default('armed'),
    crossingNo: integer('crossing_no').notNull().default(0),
    period: text('period'),
    lastValue: doublePrecision('last_value'),
    firedAt: ts('fired_at'),
    /** `runaway`: when the episode started (the first snapshot interval over the level). */
    since: ts('since'),
    messageId: text('message_id'),
    acknowledgedBy: text('acknowledged_by'),
  },
  (t) => [
    primaryKey({ name: 'key_alert_states_pk', columns: [t.ruleId, t.keyHash] }),
    check('key_alert_states_state_ck', sql`${t.state} in ('armed', 'fired')`),
  ],
);

export type KeySnapshotRow = typeof keySnapshots.$inferSelect;
export type KeyAlertRuleRow = typeof keyAlertRules.$inferSelect;
export type KeyAlertStateRow = typeof keyAlertStates.$inferSelect;
