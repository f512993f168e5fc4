/**
 * Key actions from chat (issue 13): each disable / enable / limit asked for, its confirmation or
 * second-admin approval (pending until it expires), and what it changed; snoozes of a key's alerts.
 * Re-exported by `schema.ts`, which drizzle-kit reads.
 * @module
 */
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

const KEY_ACTION_KINDS = ['disable', 'enable', 'limit', 'snooze'] as const;
export type KeyActionKind = (typeof KEY_ACTION_KINDS)[number];

/** `pending` → `running` (claimed by one press) → `done` | `failed`; or `cancelled` / `expired`. */
const KEY_ACTION_STATUSES = ['pending', 'running', 'done', 'failed', 'cancelled', 'expired'] as const;
export type KeyActionStatus = (typeof KEY_ACTION_STATUSES)[number];

/** A key's settings as the bot shows them before and after an action (never its secret). */
export interface KeyState {
  disabled: boolean;
  limit: number | null;
  limitReset: string | null;
}

export const keyActions = pgTable(
  'key_actions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    action: text('action', { enum: KEY_ACTION_KINDS }).notNull(),
    keyHash: text('key_hash').notNull(),
    keyName: text('key_name').notNull(),
    /** For `limit`: the new limit (USD or null) and reset period. */
    params: jsonb('params').$type<{ limit?: number | null; limitReset?: string | null }>(),
    status: text('status', { enum: KEY_ACTION_STATUSES }).notNull(),
    /** `off`, `confirm` or `two-person`: the KEY_ACTIONS mode it was asked under. */
    mode: text('mode').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: ts('requested_at').notNull(),
    /** A pending action lapses then; for `snooze`, the end of the snooze. */
    expiresAt: ts('expires_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: ts('decided_at'),
    before: jsonb('before').$type<KeyState>(),
    after: jsonb('after').$type<KeyState>(),
    error: text('error'),
  },
  (t) => [index('key_actions_key_idx').on(t.keyHash, t.action)],
);

export type KeyActionRow = typeof keyActions.$inferSelect;
