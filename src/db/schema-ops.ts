/**
 * The store's own bookkeeping tables: sync progress, handled event ids, rate-limit windows.
 * Re-exported by `schema.ts`, which drizzle-kit reads; kept apart so each file holds one area.
 * @module
 */
import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** One row per sync part ('credits', 'keys', 'activity'). */
export const syncState = pgTable('sync_state', {
  name: text('name').primaryKey(),
  lastStartedAt: ts('last_started_at'),
  lastOkAt: ts('last_ok_at'),
  lastError: text('last_error'),
  rows: integer('rows'),
});

/** Slack retries and replicas: an event id is handled once. */
export const processedEvents = pgTable(
  'processed_events',
  {
    platform: text('platform').notNull(),
    eventId: text('event_id').notNull(),
    seenAt: ts('seen_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'processed_events_pk', columns: [t.platform, t.eventId] })],
);

/**
 * The per-user command rate limit when replicas share Postgres: one counter per user per minute,
 * bumped with an atomic upsert. Old windows are pruned with the other de-duplication rows.
 */
export const commandRateWindows = pgTable(
  'command_rate_windows',
  {
    userKey: text('user_key').notNull(),
    windowStart: ts('window_start').notNull(),
    hits: integer('hits').notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'command_rate_windows_pk', columns: [t.userKey, t.windowStart] }),
    index('command_rate_windows_start_idx').on(t.windowStart),
  ],
);
