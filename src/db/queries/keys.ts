import { asc } from 'drizzle-orm';
import type { KeyItem } from '../../openrouter/types.js';
import type { Db } from '../client.js';
import { apiKeys } from '../schema.js';
import { excludedColumns } from './util.js';

export interface StoredKey extends Omit<KeyItem, 'raw' | 'createdAt' | 'updatedAt' | 'expiresAt'> {
  createdAt: Date | null;
  updatedAt: Date | null;
  expiresAt: Date | null;
  syncedAt: Date;
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
    raw: k.raw,
  }));
  const written = await db
    .insert(apiKeys)
    .values(values)
    .onConflictDoUpdate({ target: apiKeys.hash, set: excludedColumns(apiKeys, ['hash']) })
    .returning({ hash: apiKeys.hash });
  return written.length;
}

export async function listKeys(db: Db): Promise<StoredKey[]> {
  return db
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
    })
    .from(apiKeys)
    .orderBy(asc(apiKeys.name), asc(apiKeys.hash));
}

/** hash → name, for labelling per-key usage. */
export async function keyNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.select({ hash: apiKeys.hash, name: apiKeys.name }).from(apiKeys);
  return new Map(rows.map((r) => [r.hash, r.name]));
}
