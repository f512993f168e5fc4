import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/**
 * `set` for `onConflictDoUpdate`: every column of `table` from the proposed row (`excluded.col`),
 * except the listed ones (the conflict key, first-seen timestamps).
 */
export function excludedColumns<T extends PgTable>(
  table: T,
  keep: readonly (keyof T['$inferInsert'])[],
): Partial<Record<keyof T['$inferInsert'], SQL>> {
  const set: Partial<Record<keyof T['$inferInsert'], SQL>> = {};
  for (const [field, column] of Object.entries(getTableColumns(table))) {
    if (keep.includes(field as keyof T['$inferInsert'])) continue;
    set[field as keyof T['$inferInsert']] = sql.raw(`excluded."${column.name}"`);
  }
  return set;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
