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
  /**
   * Resolves once the row is committed. A row with `retry` survives a store that is down: it stays
   * queued and is written when the store answers again; without it, the row's failure rejects.
   */
  record(entry: AuditEntry, opts?: { retry?: boolean }): Promise<void>;
  /**
   * Resolves when every row recorded so far is committed or has failed (before reading the log,
   * before closing the store), or after `timeoutMs` with the number of rows still queued.
   */
  settled(timeoutMs?: number): Promise<number>;
}

/** Rows of one group commit at most (one INSERT of 11 parameters a row stays far below 65,535). */
const MAX_GROUP = 500;
/** Rows kept for a store that is down; past this the oldest are dropped (and logged by the caller). */
const MAX_QUEUED = 10_000;

/**
 * The store could not be reached (as opposed to a row it refused): worth writing again later.
 * Postgres classes 08 (connection) and 57P (shutdown), postgres.js's CONNECTION_* codes, socket errors.
 */
export function isConnectionError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as Error).name === 'StoreUnavailableError') return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(08|57P)|^CONNECTION_|^ECONN|^EPIPE$|^ETIMEDOUT$/.test(code)) return true;
  }
  return false;
}

/**
 * Group commit: rows that arrive while an INSERT is in flight wait and go together in the next one,
 * so under a burst the store sees one statement per round trip instead of one per command. A failed
 * group rejects its callers, except rows recorded with `retry`, which are written again after
 * `retryMs` while the failure is the store being unreachable.
 */
export function createAuditWriter(
  db: () => Db,
  opts: { retryMs?: number; onDropped?: (rows: number) => void } = {},
): AuditWriter {
  const retryMs = opts.retryMs ?? 1_000;
  type Waiting = { entry: AuditEntry; retry: boolean; done: (error?: unknown) => void };
  let waiting: Waiting[] = [];
  let flushing = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();

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
          const again = isConnectionError(error) ? group.filter((g) => g.retry) : [];
          for (const g of group) if (!again.includes(g)) g.done(error);
          if (again.length > 0) {
            waiting = [...again, ...waiting];
            const over = waiting.length - MAX_QUEUED;
            if (over > 0) {
              for (const g of waiting.splice(0, over)) g.done(error);
              opts.onDropped?.(over);
            }
            retryTimer ??= setTimeout(() => {
              retryTimer = undefined;
              if (!flushing) void flush();
            }, retryMs);
            retryTimer.unref();
            return;
          }
        }
      }
    } finally {
      flushing = false;
    }
  }

  return {
    record(entry, { retry = false } = {}) {
      const committed = new Promise<void>((resolve, reject) => {
        waiting.push({ entry, retry, done: (error) => (error === undefined ? resolve() : reject(error)) });
        if (!flushing && !retryTimer) void flush();
      });
      const tracked = committed.then(
        () => {},
        () => {},
      );
      inFlight.add(tracked);
      void tracked.then(() => inFlight.delete(tracked));
      return committed;
    },
    async settled(timeoutMs = 5_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.all([...inFlight]), timeout]).finally(() => clearTimeout(timer));
      return waiting.length;
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
