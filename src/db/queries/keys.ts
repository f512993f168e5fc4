import { and, asc, inArray, isNull, notInArray } from 'drizzle-orm';
import type { KeyItem, Workspace } from '../../openrouter/types.js';
import type { Db } from '../client.js';
import { apiKeys, workspaces } from '../schema.js';
import { chunks, excludedColumns } from './util.js';

export interface StoredKey extends Omit<KeyItem, 'raw' | 'createdAt' | 'updatedAt' | 'expiresAt' | 'externalUser'> {
  createdAt: Date | null;
  updatedAt: Date | null;
  expiresAt: Date | null;
  syncedAt: Date;
  /** When a sync found the key gone from OpenRouter; `null` while it is listed. */
  deletedAt: Date | null;
}

function toDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Inserts or refreshes every key by hash. Returns how many rows were written. */
export async function upsertKeys(db: Db, rows: readonly KeyItem[], syncedAt: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const values = rows.map((k) => ({
    hash: k.hash,
    name: k.name,
    label: k.label,
    disabled: k.disabled,
    limit: k.limit,
    limitRemaining: k.limitRemaining,
    limitReset: k.limitReset,
    includeByokInLimit: k.includeByokInLimit,
    usage: k.usage,
    usageDaily: k.usageDaily,
    usageWeekly: k.usageWeekly,
    usageMonthly: k.usageMonthly,
    byokUsage: k.byokUsage,
    byokUsageDaily: k.byokUsageDaily,
    byokUsageWeekly: k.byokUsageWeekly,
    byokUsageMonthly: k.byokUsageMonthly,
    createdAt: toDate(k.createdAt),
    updatedAt: toDate(k.updatedAt),
    expiresAt: toDate(k.expiresAt),
    creatorUserId: k.creatorUserId,
    workspaceId: k.workspaceId,
    syncedAt,
    deletedAt: null, // listed again: not deleted (any more)
    raw: k.raw,
  }));
  const written = await db
    .insert(apiKeys)
    .values(values)
    .onConflictDoUpdate({ target: apiKeys.hash, set: excludedColumns(apiKeys, ['hash']) })
    .returning({ hash: apiKeys.hash });
  return written.length;
}

/**
 * Marks every stored key that is not in `present` (the hashes of a complete `/keys` listing over every
 * workspace) as deleted at `at`, unless it already is. Returns how many were marked.
 */
export async function markKeysDeleted(db: Db, present: readonly string[], at: Date): Promise<number> {
  const gone = await db
    .update(apiKeys)
    .set({ deletedAt: at })
    .where(
      present.length > 0
        ? and(isNull(apiKeys.deletedAt), notInArray(apiKeys.hash, [...present]))
        : isNull(apiKeys.deletedAt),
    )
    .returning({ hash: apiKeys.hash });
  return gone.length;
}

/** Stored keys; deleted ones only with `includeDeleted`. */
export async function listKeys(db: Db, opts: { includeDeleted?: boolean } = {}): Promise<StoredKey[]> {
  const rows = await db
    .select({
      hash: apiKeys.hash,
      name: apiKeys.name,
      label: apiKeys.label,
      disabled: apiKeys.disabled,
      limit: apiKeys.limit,
      limitRemaining: apiKeys.limitRemaining,
      limitReset: apiKeys.limitReset,
      includeByokInLimit: apiKeys.includeByokInLimit,
      usage: apiKeys.usage,
      usageDaily: apiKeys.usageDaily,
      usageWeekly: apiKeys.usageWeekly,
      usageMonthly: apiKeys.usageMonthly,
      byokUsage: apiKeys.byokUsage,
      byokUsageDaily: apiKeys.byokUsageDaily,
      byokUsageWeekly: apiKeys.byokUsageWeekly,
      byokUsageMonthly: apiKeys.byokUsageMonthly,
      createdAt: apiKeys.createdAt,
      updatedAt: apiKeys.updatedAt,
      expiresAt: apiKeys.expiresAt,
      creatorUserId: apiKeys.creatorUserId,
      workspaceId: apiKeys.workspaceId,
      syncedAt: apiKeys.syncedAt,
      deletedAt: apiKeys.deletedAt,
    })
    .from(apiKeys)
    .where(opts.includeDeleted ? undefined : isNull(apiKeys.deletedAt))
    .orderBy(asc(apiKeys.name), asc(apiKeys.hash));
  return rows;
}

/** hash → name, for labelling per-key usage; a key deleted on OpenRouter reads `name (deleted)`. */
export async function keyNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.select({ hash: apiKeys.hash, name: apiKeys.name, deletedAt: apiKeys.deletedAt }).from(apiKeys);
  return new Map(rows.map((r) => [r.hash, r.deletedAt ? `${r.name} (deleted)` : r.name]));
}

/** hash → workspace id, for grouping per-key usage by workspace. */
export async function keyWorkspaces(db: Db): Promise<Map<string, string | null>> {
  const rows = await db.select({ hash: apiKeys.hash, workspaceId: apiKeys.workspaceId }).from(apiKeys);
  return new Map(rows.map((r) => [r.hash, r.workspaceId]));
}

/** Inserts or refreshes the workspaces by id. */
export async function upsertWorkspaces(db: Db, rows: readonly Workspace[], syncedAt: Date): Promise<number> {
  if (rows.length === 0) return 0;
  let n = 0;
  for (const part of chunks(rows, 500)) {
    const written = await db
      .insert(workspaces)
      .values(part.map((w) => ({ id: w.id, name: w.name, slug: w.slug, syncedAt })))
      .onConflictDoUpdate({ target: workspaces.id, set: excludedColumns(workspaces, ['id']) })
      .returning({ id: workspaces.id });
    n += written.length;
  }
  return n;
}

/** workspace id → name. */
export async function workspaceNames(db: Db, ids?: readonly string[]): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: workspaces.id, name: workspaces.name })
    .from(workspaces)
    .where(ids && ids.length > 0 ? inArray(workspaces.id, [...ids]) : undefined);
  return new Map(rows.map((r) => [r.id, r.name]));
}
