/**
 * The per-user command rate limit (COMMAND_RATE_LIMIT commands a minute). On the embedded store (one
 * process) it is a sliding window in memory. With DATABASE_URL, replicas share Postgres, so it is a
 * counter per user per clock minute in Postgres (`command_rate_windows`, one atomic upsert), which
 * holds across replicas; if Postgres cannot answer, the in-memory window stands in so commands are
 * never refused because the store is down.
 * @module
 */

import type { Services } from '../core/services.js';
import { bumpRateWindow, RATE_WINDOW_MS } from '../db/queries/rate-windows.js';

export { RATE_WINDOW_MS };

export type RateLimiter = (userKey: string) => Promise<boolean>;

/** A sliding one-minute window per user, in this process's memory. */
function memoryRateLimiter(limit: number, now: () => Date): (userKey: string) => boolean {
  const hits = new Map<string, number[]>();
  return function allow(key: string): boolean {
    const t = now().getTime();
    const recent = (hits.get(key) ?? []).filter((h) => t - h < RATE_WINDOW_MS);
    if (recent.length >= limit) {
      hits.set(key, recent);
      return false;
    }
    recent.push(t);
    hits.set(key, recent);
    if (hits.size > 10_000) {
      for (const [k, v] of hits) if (v.every((h) => t - h >= RATE_WINDOW_MS)) hits.delete(k);
    }
    return true;
  };
}

/** Postgres-backed when the store is Postgres (DATABASE_URL; PGlite is one process), else in memory. */
export function createRateLimiter(services: Pick<Services, 'config' | 'store' | 'now' | 'log'>): RateLimiter {
  const limit = services.config.commandRateLimit;
  const local = memoryRateLimiter(limit, services.now);
  return async (userKey) => {
    if (!services.store.available()) return local(userKey);
    const handle = services.store.get();
    if (handle.kind !== 'postgres') return local(userKey);
    const t = services.now().getTime();
    const windowStart = new Date(t - (t % RATE_WINDOW_MS));
    try {
      return (await bumpRateWindow(handle.db, userKey, windowStart)) <= limit;
    } catch (error) {
      services.log.warn({ err: error }, 'shared rate limit unavailable; using this replica’s own');
      return local(userKey);
    }
  };
}
