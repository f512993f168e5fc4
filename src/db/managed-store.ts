/**
 * The store as the service sees it: connects (and migrates) in the background, retrying while
 * Postgres is down, so the process starts and commands that only need OpenRouter still answer.
 * `available()` turns false when pings fail and true again when Postgres is back.
 * @module
 */

import type { Config } from '../config.js';
import type { Store } from '../core/services.js';
import { StoreUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createDb, type DbHandle } from './client.js';
import { DataDirLockedError, exitBecauseLocked } from './data-dir-lock.js';
import { migrate } from './migrate.js';
import { releaseDeadClaims } from './queries/digest-deliveries.js';

export interface ManagedStore extends Store {
  /** Resolves when first connected and migrated. */
  connected(): Promise<DbHandle>;
  whenStarted(ms: number): Promise<boolean>;
  /** Why it is not available, for /readyz. */
  problem(): string | undefined;
  close(): Promise<void>;
}

export interface StoreOptions {
  config: Config;
  log: Logger;
  /** In-memory PGlite (demo, tests). */
  memory?: boolean;
  retryMs?: number;
  pingMs?: number;
  /** Opens the handle instead of the config's store (tests hand in a pre-migrated one). */
  open?: () => Promise<DbHandle>;
  /** Epoch ms after which `whenStarted` no longer waits (a one-shot command with a deadline). */
  waitUntil?: number;
}

/** Opens the store named by the config: postgres.js for DATABASE_URL, else PGlite in DATA_DIR. */
export function openDb(config: Config, log: Logger, memory = false): Promise<DbHandle> {
  const url = config.databaseUrl?.reveal();
  return createDb(
    url
      ? { databaseUrl: url, logger: log }
      : memory
        ? { memory: true, logger: log }
        : { dataDir: config.dataDir, logger: log },
  );
}

export function createManagedStore(opts: StoreOptions): ManagedStore {
  const retryMs = opts.retryMs ?? 5_000;
  const pingMs = opts.pingMs ?? 10_000;
  let handle: DbHandle | undefined;
  let healthy = false;
  let lastProblem: string | undefined = 'connecting';
  let stopped = false;
  let pingTimer: NodeJS.Timeout | undefined;
  let resolveConnected: (h: DbHandle) => void = () => {};
  const connectedPromise = new Promise<DbHandle>((resolve) => {
    resolveConnected = resolve;
  });
  let resolveFirstAttempt: () => void = () => {};
  const firstAttempt = new Promise<void>((resolve) => {
    resolveFirstAttempt = resolve;
  });

  const describe = (error: unknown) =>
    (error instanceof Error ? error.message : String(error)).replace(/\/\/[^@\s]*@/g, '//***@');

  async function connectLoop(): Promise<void> {
    let attempt = 0;
    while (!stopped) {
      try {
        const h = await (opts.open ? opts.open() : openDb(opts.config, opts.log, opts.memory));
        await migrate(h);
        if (h.kind === 'pglite') {
          // We hold DATA_DIR: an open digest claim is a dead process's; the next run takes it over now.
          const released = await releaseDeadClaims(h.db, new Date());
          if (released > 0) opts.log.warn({ released }, 'took over digest deliveries a stopped process left claimed');
        }
        handle = h;
        healthy = true;
        lastProblem = undefined;
        opts.log.info({ kind: h.kind }, 'store connected and migrated');
        resolveConnected(h);
        resolveFirstAttempt();
        schedulePing();
        return;
      } catch (error) {
        if (error instanceof DataDirLockedError) exitBecauseLocked(error); // another process has DATA_DIR
        attempt += 1;
        lastProblem = `cannot connect: ${describe(error)}`;
        opts.log.error({ attempt, problem: lastProblem }, 'store unavailable; retrying');
        resolveFirstAttempt();
        await new Promise((r) => setTimeout(r, Math.min(retryMs * attempt, 60_000)).unref?.());
      }
    }
  }

  function schedulePing(): void {
    pingTimer = setInterval(() => {
      handle
        ?.ping()
        .then(() => {
          if (!healthy) opts.log.info('store reachable again');
          healthy = true;
          lastProblem = undefined;
        })
        .catch((error: unknown) => {
          if (healthy) opts.log.error({ problem: describe(error) }, 'store lost; commands fall back where they can');
          healthy = false;
          lastProblem = `lost: ${describe(error)}`;
        });
    }, pingMs);
    pingTimer.unref();
  }

  void connectLoop();
  return {
    available: () => handle !== undefined && healthy,
    get() {
      if (!handle || !healthy) throw new StoreUnavailableError(lastProblem);
      return handle;
    },
    connected: () => connectedPromise,
    async whenStarted(ms) {
      if (handle === undefined) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          const limit = opts.waitUntil === undefined ? ms : Math.min(ms, opts.waitUntil - Date.now());
          // Not unref'd: in one-shot CLI commands it keeps the process alive while the store connects.
          timer = setTimeout(resolve, Math.max(0, limit));
        });
        await Promise.race([firstAttempt, timeout]).finally(() => clearTimeout(timer));
      }
      return handle !== undefined && healthy;
    },
    problem: () => lastProblem,
    async close() {
      stopped = true;
      resolveFirstAttempt();
      if (pingTimer) clearInterval(pingTimer);
      await handle?.close();
    },
  };
}

/**
 * Waits up to `ms` for the first connection. The timer is deliberately not unref'd: in one-shot CLI
 * commands it is what keeps the process alive while the store connects.
 */
export async function waitForStore(store: Pick<ManagedStore, 'connected'>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([store.connected().then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
