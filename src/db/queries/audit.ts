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

/** Where the command boundary writes its audit rows. */
export interface AuditWriter {
  /** Resolves once the row is committed; rejects when it could not be written. */
  record(entry: AuditEntry): Promise<void>;
}

/** Rows of one group commit at most (one INSERT of 11 parameters a row stays far below 65,535). */
const MAX_GROUP = 500;

/**
 * Group commit: rows that arrive while an INSERT is in flight wait and go together in the next one,
 * so under a burst the store sees one statement per round trip instead of one per command, and each
 * caller still learns that its own row is committed before it answers (nothing is claimed before it
 * is in Postgres). A failed group rejects every caller in it; the next group is tried afresh.
 */
export function createAuditWriter(db: () => Db): AuditWriter {
  let waiting: { entry: AuditEntry; done: (error?: unknown) => void }[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (waiting.length > 0) {
        const group = waiting.slice(0, MAX_GROUP);
        waiting = waiting.slice(group.length);
        try {
          await db()
            .insert(auditLog)
            .values(group.map((g) => g.entry));
          for (const g of group) g.done();
        } catch (error) {
          for (const g of group) g.done(error);
        }
      }
    } finally {
      flushing = false;
    }
  }

  return {
    record(entry) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ entry, done: (error) => (error === undefined ? resolve() : reject(error)) });
        if (!flushing) void flush();
      });
    },
  };
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
