/**
 * Copies OpenRouter's account state into the store: a `/credits` reading, every `/keys` item, and
 * `/activity` (account-wide plus one call per key for the per-key breakdown). Each part runs on its
 * own, so one failing does not stop the others; every write is an idempotent upsert.
 * @module
 */
import type { Db } from '../db/client.js';
import { upsertActivity } from '../db/queries/activity.js';
import { insertCreditSnapshot } from '../db/queries/credits.js';
import { listKeys, upsertKeys } from '../db/queries/keys.js';
import { markSyncFailed, markSyncOk, markSyncStarted } from '../db/queries/sync-state.js';
import { MissingKeyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OpenRouterClient } from '../openrouter/types.js';

export type SyncPart = 'credits' | 'keys' | 'activity';

export interface SyncOptions {
  db: Db;
  openrouter: OpenRouterClient;
  now: () => Date;
  logger: Logger;
  /** Default: all three. */
  parts?: readonly SyncPart[];
  /** Parallel per-key `/activity` calls. Default 4. */
  concurrency?: number;
}

export interface SyncSummary {
  credits?: { totalCredits: number; totalUsage: number; balance: number };
  /** Keys written. */
  keys?: number;
  /** Activity rows written (account-wide and per key). */
  activity?: number;
  errors: { part: SyncPart; message: string }[];
}

const ALL_PARTS: readonly SyncPart[] = ['credits', 'keys', 'activity'];

export async function syncOnce(opts: SyncOptions): Promise<SyncSummary> {
  const parts = new Set(opts.parts ?? ALL_PARTS);
  const log = opts.logger.child({ job: 'sync' });
  const summary: SyncSummary = { errors: [] };

  async function run(part: SyncPart, stateName: string, fn: (at: Date) => Promise<number>): Promise<boolean> {
    const at = opts.now();
    try {
      if (!opts.openrouter.hasManagementKey) throw new MissingKeyError('OPENROUTER_MANAGEMENT_KEY', `Syncing ${part}`);
      await markSyncStarted(opts.db, stateName, at);
      const rows = await fn(at);
      await markSyncOk(opts.db, stateName, at, rows);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      summary.errors.push({ part, message });
      log.warn({ part, err: error }, 'sync part failed');
      await markSyncFailed(opts.db, stateName, message).catch(() => {});
      return false;
    }
  }

  if (parts.has('credits')) {
    await run('credits', 'credits', async (at) => {
      const c = await opts.openrouter.getCredits({ fresh: true });
      await insertCreditSnapshot(opts.db, { takenAt: at, totalCredits: c.totalCredits, totalUsage: c.totalUsage });
      summary.credits = {
        totalCredits: c.totalCredits,
        totalUsage: c.totalUsage,
        balance: c.totalCredits - c.totalUsage,
      };
      return 1;
    });
  }

  if (parts.has('keys')) {
    await run('keys', 'keys', async (at) => {
      const keys = await opts.openrouter.listKeys({ includeDisabled: true });
      summary.keys = await upsertKeys(opts.db, keys, at);
      return summary.keys;
    });
  }

  if (parts.has('activity')) {
    let written = 0;
    await run('activity', 'activity', async (at) => {
      const rows = await opts.openrouter.getActivity();
      const n = await upsertActivity(opts.db, rows, '', at);
      written += n;
      return rows.length;
    });
    if (opts.openrouter.hasManagementKey) {
      await run('activity', 'activity-keys', async (at) => {
        const hashes = (await listKeys(opts.db)).map((k) => k.hash);
        const failures: string[] = [];
        let perKey = 0;
        await eachLimited(hashes, opts.concurrency ?? 4, async (hash) => {
          try {
            const rows = await opts.openrouter.getActivity({ apiKeyHash: hash });
            const n = await upsertActivity(opts.db, rows, hash, at);
            perKey += n; // not `perKey += await …`: that reads perKey before the await and loses updates
          } catch (error) {
            failures.push(`${hash.slice(0, 8)}…: ${error instanceof Error ? error.message : String(error)}`);
          }
        });
        written += perKey;
        if (failures.length > 0) {
          throw new Error(
            `per-key activity failed for ${failures.length} of ${hashes.length} keys (${failures.slice(0, 3).join('; ')})`,
          );
        }
        return perKey;
      });
    }
    summary.activity = written;
  }

  log.info(
    {
      credits: summary.credits !== undefined,
      keys: summary.keys,
      activity: summary.activity,
      errors: summary.errors.length,
    },
    'sync done',
  );
  return summary;
}

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
