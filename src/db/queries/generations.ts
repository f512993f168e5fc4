import { eq, inArray } from 'drizzle-orm';
import type { Generation } from '../../openrouter/types.js';
import type { Db } from '../client.js';
import { generations } from '../schema.js';

/** A published generation from the cache, or null. */
export async function getCachedGeneration(db: Db, id: string): Promise<Generation | null> {
  const [row] = await db
    .select({ data: generations.data, raw: generations.raw })
    .from(generations)
    .where(eq(generations.id, id));
  return row ? ({ ...row.data, raw: row.raw } as unknown as Generation) : null;
}

/** Caches a published generation; saving it again replaces the cached answer. */
export async function saveGeneration(db: Db, g: Generation, fetchedAt = new Date()): Promise<void> {
  const { raw, ...data } = g;
  const createdAt = new Date(g.createdAt);
  const row = {
    id: g.id,
    model: g.model,
    providerName: g.providerName,
    totalCost: g.totalCost,
    createdAt: Number.isNaN(createdAt.getTime()) ? null : createdAt,
    fetchedAt,
    data: data as unknown as Record<string, unknown>,
    raw,
  };
  await db.insert(generations).values(row).onConflictDoUpdate({ target: generations.id, set: row });
}

/** Which of `ids` are cached already. */
export async function cachedGenerationIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: generations.id }).from(generations).where(inList(ids));
  return new Set(rows.map((r) => r.id));
}

function inList(ids: readonly string[]) {
  return inArray(generations.id, [...ids]);
}
