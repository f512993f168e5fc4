import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { type ChatInstallationRow, chatInstallations, type Platform } from '../schema.js';

/** Records that the bot lives in this workspace (first seen, last seen, name). */
export async function upsertInstallation(
  db: Db,
  params: { platform: Platform; workspaceId: string; name?: string | null; botUserId?: string | null; now: Date },
): Promise<void> {
  const seen = {
    lastSeenAt: params.now,
    removedAt: null,
    ...(params.name !== undefined ? { name: params.name } : {}),
    ...(params.botUserId !== undefined ? { botUserId: params.botUserId } : {}),
  };
  await db
    .insert(chatInstallations)
    .values({ platform: params.platform, workspaceId: params.workspaceId, installedAt: params.now, ...seen })
    .onConflictDoUpdate({ target: [chatInstallations.platform, chatInstallations.workspaceId], set: seen });
}

export async function markUninstalled(
  db: Db,
  params: { platform: Platform; workspaceId: string; now: Date },
): Promise<void> {
  await db
    .update(chatInstallations)
    .set({ removedAt: params.now })
    .where(and(eq(chatInstallations.platform, params.platform), eq(chatInstallations.workspaceId, params.workspaceId)));
}

export async function listInstallations(db: Db): Promise<ChatInstallationRow[]> {
  return db
    .select()
    .from(chatInstallations)
    .where(isNull(chatInstallations.removedAt))
    .orderBy(asc(chatInstallations.platform), asc(chatInstallations.workspaceId));
}
