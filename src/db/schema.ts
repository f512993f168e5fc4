/**
 * The store: what sync copies from OpenRouter, and the bot's own durable state (subscriptions,
 * deliveries, alerts, audit, ingested request logs). Migrations in ../../drizzle are generated from
 * this file with `npm run db:generate`; never edit the generated SQL.
 * @module
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { processedEvents, syncState } from './schema-ops.js';

export { keyAlertRules, keyAlertStates, keySnapshots } from './schema-keyalerts.js';
export {
  type KeyActionKind,
  type KeyActionRow,
  type KeyActionStatus,
  type KeyState,
  keyActions,
} from './schema-keys.js';
export { commandRateWindows, processedEvents, syncState } from './schema-ops.js';
export { activityKeyDays } from './schema-rollups.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const usd = (name: string) => doublePrecision(name);
const count = (name: string) => bigint(name, { mode: 'number' });

export const PLATFORMS = ['slack', 'discord'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** One `/credits` reading; usage between two readings is the account's spend in between. */
export const creditSnapshots = pgTable(
  'credit_snapshots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    takenAt: ts('taken_at').notNull(),
    totalCredits: usd('total_credits').notNull(),
    totalUsage: usd('total_usage').notNull(),
  },
  (t) => [index('credit_snapshots_taken_at_idx').on(t.takenAt)],
);

/** `/workspaces` items, refreshed by each key sync (reference §12 "Workspaces"). */
export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  slug: text('slug').notNull(),
  syncedAt: ts('synced_at').notNull(),
});

/**
 * `/keys` items of every workspace, refreshed by each sync. A key that OpenRouter no longer lists gets
 * `deleted_at` (it stays for history and leaves the per-key sync) instead of being dropped.
 */
export const apiKeys = pgTable('api_keys', {
  hash: text('hash').primaryKey(),
  name: text('name').notNull(),
  label: text('label').notNull(),
  disabled: boolean('disabled').notNull(),
  limit: usd('limit'),
  limitRemaining: usd('limit_remaining'),
  limitReset: text('limit_reset'),
  includeByokInLimit: boolean('include_byok_in_limit').notNull(),
  usage: usd('usage').notNull(),
  usageDaily: usd('usage_daily').notNull(),
  usageWeekly: usd('usage_weekly').notNull(),
  usageMonthly: usd('usage_monthly').notNull(),
  byokUsage: usd('byok_usage').notNull(),
  byokUsageDaily: usd('byok_usage_daily').notNull(),
  byokUsageWeekly: usd('byok_usage_weekly').notNull(),
  byokUsageMonthly: usd('byok_usage_monthly').notNull(),
  createdAt: ts('created_at'),
  updatedAt: ts('updated_at'),
  expiresAt: ts('expires_at'),
  creatorUserId: text('creator_user_id'),
  workspaceId: text('workspace_id'),
  syncedAt: ts('synced_at').notNull(),
  /** When a sync first found the key gone from OpenRouter; `null` while it is listed. */
  deletedAt: ts('deleted_at'),
  raw: jsonb('raw').$type<Record<string, unknown>>().notNull(),
});

/**
 * `/activity` rows: one per (UTC day, model, endpoint). `key_hash = ''` holds the account-wide rows;
 * other values hold the per-key rows fetched with `api_key_hash`.
 */
export const activityDays = pgTable(
  'activity_days',
  {
    date: date('date', { mode: 'string' }).notNull(),
    keyHash: text('key_hash').notNull().default(''),
    model: text('model').notNull(),
    modelPermaslug: text('model_permaslug').notNull(),
    endpointId: text('endpoint_id').notNull(),
    providerName: text('provider_name').notNull(),
    usage: usd('usage').notNull(),
    byokUsage: usd('byok_usage').notNull(),
    requests: count('requests').notNull(),
    promptTokens: count('prompt_tokens').notNull(),
    completionTokens: count('completion_tokens').notNull(),
    reasoningTokens: count('reasoning_tokens').notNull(),
    syncedAt: ts('synced_at').notNull(),
  },
  (t) => [
    // Leads with (key_hash, date): account-wide ranges (key_hash = '') are one index range.
    primaryKey({ name: 'activity_days_pk', columns: [t.keyHash, t.date, t.modelPermaslug, t.endpointId] }),
    // Per-key ranges (key_hash <> '') scan by date first.
    index('activity_days_date_key_idx').on(t.date, t.keyHash),
    // "When was a model first seen" (the digest's new-model check) without scanning every key's rows.
    index('activity_days_key_model_date_idx').on(t.keyHash, t.model, t.date),
  ],
);

/** Final `/generation` answers (only published ones are cached; they do not change). */
export const generations = pgTable('generations', {
  id: text('id').primaryKey(),
  model: text('model').notNull(),
  providerName: text('provider_name'),
  totalCost: usd('total_cost').notNull(),
  createdAt: ts('created_at'),
  fetchedAt: ts('fetched_at').notNull(),
  /** The parsed camelCase `Generation` without `raw`. */
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  raw: jsonb('raw').$type<Record<string, unknown>>().notNull(),
});

/** Workspaces (Slack teams, Discord guilds) the bot is installed in. */
export const chatInstallations = pgTable(
  'chat_installations',
  {
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    workspaceId: text('workspace_id').notNull(),
    name: text('name'),
    botUserId: text('bot_user_id'),
    installedAt: ts('installed_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    removedAt: ts('removed_at'),
  },
  (t) => [primaryKey({ name: 'chat_installations_pk', columns: [t.platform, t.workspaceId] })],
);

export const digestSubscriptions = pgTable(
  'digest_subscriptions',
  {
    id: serial('id').primaryKey(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    workspaceId: text('workspace_id').notNull(),
    channelId: text('channel_id').notNull(),
    /** 0 = Sunday … 6 = Saturday (as `Date#getDay`). */
    weekday: smallint('weekday').notNull(),
    /** `HH:MM`, 24-hour, in `timezone`. */
    time: text('time').notNull(),
    timezone: text('timezone').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** The latest (re)subscribe: the first digest due is the first one after this. */
    subscribedAt: ts('subscribed_at').notNull().defaultNow(),
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    unique('digest_subscriptions_channel_uq').on(t.platform, t.workspaceId, t.channelId),
    check('digest_subscriptions_weekday_ck', sql`${t.weekday} between 0 and 6`),
    check('digest_subscriptions_time_ck', sql`${t.time} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
  ],
);

export const DELIVERY_STATUSES = ['claimed', 'sent', 'skipped', 'failed'] as const;

/** One row per (subscription, window): the claim that makes a digest go out at most once. */
export const digestDeliveries = pgTable(
  'digest_deliveries',
  {
    id: serial('id').primaryKey(),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => digestSubscriptions.id, { onDelete: 'cascade' }),
    windowStart: date('window_start', { mode: 'string' }).notNull(),
    windowEnd: date('window_end', { mode: 'string' }).notNull(),
    dueAt: ts('due_at').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    claimedBy: text('claimed_by'),
    /** While 'claimed': the owner's lease. While 'failed': when a retry may take it over. */
    leaseUntil: ts('lease_until'),
    attempts: integer('attempts').notNull().default(0),
    messageId: text('message_id'),
    error: text('error'),
    missedWindows: integer('missed_windows').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
    /**
     * Set just before the chat post, cleared when that post failed: still set on a claim taken over,
     * it says the dead owner may have posted (so a channel whose history cannot be read is not posted twice).
     */
    postStartedAt: ts('post_started_at'),
  },
  (t) => [
    unique('digest_deliveries_window_uq').on(t.subscriptionId, t.windowStart),
    check('digest_deliveries_status_ck', sql`${t.status} in ('claimed', 'sent', 'skipped', 'failed')`),
  ],
);

export const ALERT_KINDS = ['below', 'runway', 'spike'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_STATES = ['armed', 'fired'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const alertRules = pgTable(
  'alert_rules',
  {
    id: serial('id').primaryKey(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    workspaceId: text('workspace_id').notNull(),
    channelId: text('channel_id').notNull(),
    kind: text('kind', { enum: ALERT_KINDS }).notNull(),
    threshold: doublePrecision('threshold').notNull(),
    state: text('state', { enum: ALERT_STATES }).notNull().default('armed'),
    /** Bumped on every armed → fired transition; `alert_events` is unique per (rule, crossing). */
    crossingNo: integer('crossing_no').notNull().default(0),
    lastValue: doublePrecision('last_value'),
    firedAt: ts('fired_at'),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: ts('acknowledged_at'),
    snoozedUntil: ts('snoozed_until'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('alert_rules_channel_kind_uq').on(t.platform, t.workspaceId, t.channelId, t.kind),
    check('alert_rules_kind_ck', sql`${t.kind} in ('below', 'runway', 'spike')`),
    check('alert_rules_state_ck', sql`${t.state} in ('armed', 'fired')`),
  ],
);

export const ALERT_EVENT_STATUSES = ['pending', 'sent', 'failed'] as const;

export const alertEvents = pgTable(
  'alert_events',
  {
    id: serial('id').primaryKey(),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    crossingNo: integer('crossing_no').notNull(),
    firedAt: ts('fired_at').notNull(),
    value: doublePrecision('value'),
    messageId: text('message_id'),
    status: text('status', { enum: ALERT_EVENT_STATUSES }).notNull().default('pending'),
    error: text('error'),
  },
  (t) => [
    unique('alert_events_crossing_uq').on(t.ruleId, t.crossingNo),
    check('alert_events_status_ck', sql`${t.status} in ('pending', 'sent', 'failed')`),
  ],
);

export const AUDIT_OUTCOMES = ['ok', 'user_error', 'denied', 'rate_limited', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Every command: who, where, what (masked), outcome, latency. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    platform: text('platform').notNull(),
    workspaceId: text('workspace_id'),
    channelId: text('channel_id'),
    userId: text('user_id').notNull(),
    command: text('command').notNull(),
    /** Already masked by the caller. */
    args: text('args').notNull().default(''),
    outcome: text('outcome', { enum: AUDIT_OUTCOMES }).notNull(),
    latencyMs: integer('latency_ms').notNull(),
    error: text('error'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    check('audit_log_outcome_ck', sql`${t.outcome} in ('ok', 'user_error', 'denied', 'rate_limited', 'error')`),
  ],
);

export const REQUEST_LOG_SOURCES = ['cli', 'http', 'otlp'] as const;
export type RequestLogSource = (typeof REQUEST_LOG_SOURCES)[number];

/** Local request logs (reconcile / ingest), one row per input line. */
export const requestLogs = pgTable(
  'request_logs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    requestId: text('request_id').notNull(),
    source: text('source', { enum: REQUEST_LOG_SOURCES }).notNull(),
    batchId: text('batch_id').notNull(),
    lineNo: integer('line_no'),
    ts: ts('ts'),
    model: text('model'),
    tokensIn: count('tokens_in'),
    tokensOut: count('tokens_out'),
    cost: doublePrecision('cost'),
    tag: text('tag'),
    extra: jsonb('extra').$type<Record<string, unknown>>(),
    ingestedAt: ts('ingested_at').notNull().defaultNow(),
  },
  (t) => [
    index('request_logs_request_id_idx').on(t.requestId),
    index('request_logs_ts_idx').on(t.ts),
    index('request_logs_batch_idx').on(t.batchId),
    check('request_logs_source_ck', sql`${t.source} in ('cli', 'http', 'otlp')`),
  ],
);

export const LOOKUP_STATUSES = ['queued', 'done', 'not_found', 'error'] as const;
export type LookupStatus = (typeof LOOKUP_STATUSES)[number];

/** The enrichment worker's resumable queue of `/generation` lookups. */
export const generationLookups = pgTable(
  'generation_lookups',
  {
    id: text('id').primaryKey(),
    status: text('status', { enum: LOOKUP_STATUSES }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('generation_lookups_due_idx').on(t.status, t.nextAttemptAt),
    check('generation_lookups_status_ck', sql`${t.status} in ('queued', 'done', 'not_found', 'error')`),
  ],
);

export type CreditSnapshotRow = typeof creditSnapshots.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type WorkspaceRow = typeof workspaces.$inferSelect;
export type ActivityDayRow = typeof activityDays.$inferSelect;
export type GenerationRow = typeof generations.$inferSelect;
export type ChatInstallationRow = typeof chatInstallations.$inferSelect;
export type DigestSubscriptionRow = typeof digestSubscriptions.$inferSelect;
export type DigestDeliveryRow = typeof digestDeliveries.$inferSelect;
export type DeliveryStatus = DigestDeliveryRow['status'];
export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertEventRow = typeof alertEvents.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;
export type RequestLogRow = typeof requestLogs.$inferSelect;
export type NewRequestLogRow = typeof requestLogs.$inferInsert;
export type GenerationLookupRow = typeof generationLookups.$inferSelect;
export type SyncStateRow = typeof syncState.$inferSelect;
export type ProcessedEventRow = typeof processedEvents.$inferSelect;

/** Every table, in an order safe to truncate or drop (children first). */
export const ALL_TABLES = [
  'key_actions',
  'key_alert_states',
  'key_alert_rules',
  'key_snapshots',
  'alert_events',
  'alert_rules',
  'digest_deliveries',
  'digest_subscriptions',
  'chat_installations',
  'credit_snapshots',
  'api_keys',
  'workspaces',
  'activity_days',
  'activity_key_days',
  'generations',
  'audit_log',
  'request_logs',
  'generation_lookups',
  'sync_state',
  'processed_events',
  'command_rate_windows',
] as const;
