import { desc, lt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { type AuditOutcome, auditLog } from '../schema.js';

export interface AuditEntry {
  platform: string;
  workspaceId: string | null;
  channelId: string | null;
  userId: string;
  command: string;
  /** Masked by the caller. */
  args: string;
  outcome: AuditOutcome;
  latencyMs: number;
  error: string | null;
  /** Defaults to the database's now(). */
  at?: Date;
}

export interface AuditRecord extends Required<AuditEntry> {
  id: number;
}

export async function insertAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}

/** The newest `n` rows, newest first. */
export async function recentAudit(db: Db, n: number): Promise<AuditRecord[]> {
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      platform: auditLog.platform,
      workspaceId: auditLog.workspaceId,
      channelId: auditLog.channelId,
      userId: auditLog.userId,
      command: auditLog.command,
      args: auditLog.args,
      outcome: auditLog.outcome,
      latencyMs: auditLog.latencyMs,
      error: auditLog.error,
    })
    .from(auditLog)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(Math.max(0, Math.floor(n)));
}

/** Deletes rows older than `olderThan`; returns how many. */
export async function pruneAudit(db: Db, olderThan: Date): Promise<number> {
  const gone = await db.delete(auditLog).where(lt(auditLog.at, olderThan)).returning({ id: auditLog.id });
  return gone.length;
}
