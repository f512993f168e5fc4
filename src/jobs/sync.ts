/**
 * Copies OpenRouter's account state into the store: a `/credits` reading, the workspaces and every
 * `/keys` item of every workspace (keys OpenRouter no longer lists are marked deleted, not dropped), and
 * `/activity` (account-wide plus one call per live key for the per-key breakdown). Each part runs on
 * its own, so one failing does not stop the others; every write is an idempotent upsert.
 * @module
 */
import type { Db } from '../db/client.js';
import { upsertActivity } from '../db/queries/activity.js';
import { insertCreditSnapshot } from '../db/queries/credits.js';
import { insertKeySnapshots } from '../db/queries/key-alerts.js';
import { listKeys, markKeysDeleted, upsertKeys, upsertWorkspaces } from '../db/queries/keys.js';
import { markSyncFailed, markSyncOk, markSyncStarted } from '../db/queries/sync-state.js';
import { MissingKeyError, OpenRouterError } from '../errors.js';
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
  /** Steps done of the steps known so far (each part, then each key's activity), for a progress bar. */
  onProgress?: (done: number, total: number, step: string) => void;
}

export interface SyncSummary {
  credits?: { totalCredits: number; totalUsage: number; balance: number };
  /** Keys written. */
  keys?: number;
  /** Keys found gone from OpenRouter by this sync (marked deleted). */
  deletedKeys?: number;
  /** Activity rows written (account-wide and per key). */
  activity?: number;
  errors: { part: SyncPart; message: string }[];
}

const ALL_PARTS: readonly SyncPart[] = ['credits', 'keys', 'activity'];

export async function syncOnce(opts: SyncOptions): Promise<SyncSummary> {
  const parts = new Set(opts.parts ?? ALL_PARTS);
  const log = opts.logger.child({ job: 'sync' });
  const summary: SyncSummary = { errors: [] };
  let stepsDone = 0;
  let stepsTotal = parts.size + (parts.has('activity') ? 1 : 0);
  const step = (name: string, more = 0) => {
    stepsTotal += more;
    if (name) stepsDone += 1;
    opts.onProgress?.(stepsDone, stepsTotal, name);
  };
  opts.onProgress?.(0, stepsTotal, 'starting');

  async function run(part: SyncPart, stateName: string, fn: (at: Date) => Promise<number>): Promise<boolean> {
    const at = opts.now();
    try {
      if (!opts.openrouter.hasManagementKey) throw new MissingKeyError('OPENROUTER_MANAGEMENT_KEY', `Syncing ${part}`);
      await markSyncStarted(opts.db, stateName, at);
      const rows = await fn(at);
      await markSyncOk(opts.db, stateName, at, rows);
      step(stateName);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      summary.errors.push({ part, message });
      step(stateName);
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
      // Every workspace's keys (reference §12: `/keys` alone lists only the default workspace).
      const keys = await opts.openrouter.listKeys({ includeDisabled: true });
      try {
        await upsertWorkspaces(opts.db, await opts.openrouter.listWorkspaces(), at);
      } catch (error) {
        if (!(error instanceof OpenRouterError && error.status === 404)) throw error;
      }
      summary.keys = await upsertKeys(opts.db, keys, at);
      // Every key's counters at this reading: a key's spend between two readings is its rate.
      await insertKeySnapshots(opts.db, keys, at);
      // A complete listing: whatever the store holds beyond it was deleted on OpenRouter.
      summary.deletedKeys = await markKeysDeleted(
        opts.db,
        keys.map((k) => k.hash),
        at,
      );
      if (summary.deletedKeys > 0) log.info({ deleted: summary.deletedKeys }, 'keys deleted on OpenRouter');
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
        // Live keys only: a deleted key keeps its stored history and leaves the sync.
        const hashes = (await listKeys(opts.db)).map((k) => k.hash);
        step('', hashes.length);
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
          step(`activity of key ${hash.slice(0, 8)}…`);
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
