/**
 * Rollups kept beside the rows they sum, so the widest reads stay small. `activity_key_days` holds one
 * row per (key, UTC day) with the day's sums over every model and endpoint of `activity_days`;
 * `upsertActivity` rewrites the rollup of the days it touched in the same transaction, so the two
 * never disagree. `usage … by key` reads it: 30 days of every key is a few hundred rows instead of
 * every (key, day, model, endpoint) row (bench item 3). Re-exported by `schema.ts`.
 * @module
 */
import { bigint, date, doublePrecision, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export const activityKeyDays = pgTable(
  'activity_key_days',
  {
    keyHash: text('key_hash').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    usage: doublePrecision('usage').notNull(),
    byokUsage: doublePrecision('byok_usage').notNull(),
    requests: bigint('requests', { mode: 'number' }).notNull(),
    promptTokens: bigint('prompt_tokens', { mode: 'number' }).notNull(),
    completionTokens: bigint('completion_tokens', { mode: 'number' }).notNull(),
    reasoningTokens: bigint('reasoning_tokens', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ name: 'activity_key_days_pk', columns: [t.date, t.keyHash] })],
);
