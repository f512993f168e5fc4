/**
 * Keeps the de-duplication tables small: `processed_events` (Slack retries, replicas) older than
 * DEDUP_RETENTION_HOURS, and command rate-limit windows once they can no longer count.
 * @module
 */

import type { Db } from '../db/client.js';
import { pruneProcessed } from '../db/queries/processed-events.js';
import { pruneRateWindows, RATE_WINDOW_MS } from '../db/queries/rate-windows.js';

export interface PruneSummary {
  processedEvents: number;
  rateWindows: number;
}

export async function pruneDedupTables(opts: { db: Db; now: Date; retentionHours: number }): Promise<PruneSummary> {
  const t = opts.now.getTime();
  return {
    processedEvents: await pruneProcessed(opts.db, new Date(t - opts.retentionHours * 3_600_000)),
    rateWindows: await pruneRateWindows(opts.db, new Date(t - 2 * RATE_WINDOW_MS)),
  };
}
