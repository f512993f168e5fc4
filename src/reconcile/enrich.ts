/**
 * The enrichment worker: looks each queued id up on `/generation` with bounded concurrency and
 * rate, backs off on 429, and keeps its state in Postgres (`generation_lookups`), so a restart
 * resumes where it stopped and an answered id is never looked up again.
 *
 * A 404 is ambiguous: OpenRouter publishes generations seconds after they finish (reference §4.3).
 * An id first seen less than `settleMs` ago is retried with backoff; an older one is unknown.
 * @module
 */

import { setMaxListeners } from 'node:events';
import type { Db } from '../db/client.js';
import { MissingKeyError, OpenRouterError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Generation, OpenRouterClient } from '../openrouter/types.js';
import {
  type ClaimedLookup,
  claimLookups,
  completeLookups,
  queueState,
  retryLookup,
  settleLookup,
  settleNotFound,
} from './queries.js';

export interface EnrichOptions {
  /** Lookups in flight at once. Default 4. */
  concurrency?: number;
  /** Lookups started per second at most. Default 10. */
  ratePerSecond?: number;
  /** How long a claimed lookup stays leased to this worker. Default 60 s. */
  leaseMs?: number;
  /** A 404 for an id first seen longer ago than this is final. Default 5 min. */
  settleMs?: number;
  /** Attempts before a lookup is given up (404s of fresh ids, transient errors). Default 8. */
  maxAttempts?: number;
  /** Idle poll interval of the background loop. Default 2 s. */
  idleMs?: number;
  /** Time budget per `/generation` call, retries included. Default 10 s. */
  budgetMs?: number;
}

export interface EnrichDeps {
  db: Db;
  openrouter: Pick<OpenRouterClient, 'getGeneration'>;
  log?: Logger;
  now?: () => Date;
}

export interface EnrichStats {
  lookups: number;
  found: number;
  notFound: number;
  otherAccount: number;
  failed: number;
  retried: number;
  rateLimited: number;
}

export interface DrainResult extends EnrichStats {
  /** Still queued when the drain stopped (waiting for OpenRouter to publish them, or out of time). */
  pending: number;
}

export interface EnrichWorker {
  /** Runs in the background until `stop()`. */
  start(): void;
  /** Stops taking work, lets lookups in flight finish, and hands unstarted claims back to the queue. */
  stop(): Promise<void>;
  /** Works the queue until it is empty or only holds lookups due after `maxWaitMs` (default 60 s). */
  drain(opts?: { maxWaitMs?: number }): Promise<DrainResult>;
  readonly stats: Readonly<EnrichStats>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

const CIRCUIT_PAUSE_MS = 5_000;
const FLUSH_AT = 200;
const FLUSH_MS = 50;

/** 2 s, 4 s, 8 s … capped at 2 min. */
const backoffMs = (attempt: number) => Math.min(120_000, 2_000 * 2 ** Math.max(0, attempt - 1));

export function createEnrichWorker(deps: EnrichDeps, opts: EnrichOptions = {}): EnrichWorker {
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const intervalMs = 1000 / Math.max(0.001, opts.ratePerSecond ?? 10);
  const leaseMs = opts.leaseMs ?? 60_000;
  const settleMs = opts.settleMs ?? 5 * 60_000;
  const maxAttempts = opts.maxAttempts ?? 8;
  const idleMs = opts.idleMs ?? 2_000;
  const budgetMs = opts.budgetMs ?? 10_000;
  const now = deps.now ?? (() => new Date());
  const { db, log } = deps;
  const stats: EnrichStats = {
    lookups: 0,
    found: 0,
    notFound: 0,
    otherAccount: 0,
    failed: 0,
    retried: 0,
    rateLimited: 0,
  };

  let controller = new AbortController();
  setMaxListeners(0, controller.signal);
  let loop: Promise<void> | undefined;
  let nextStart = 0;
  let pausedUntil = 0;
  let fatal: Error | undefined;

  async function pace(signal: AbortSignal): Promise<void> {
    const t = Date.now();
    const at = Math.max(t, nextStart, pausedUntil);
    nextStart = at + intervalMs;
    await sleep(at - t, signal);
  }

  // Answers are written in bulk, at most FLUSH_MS after they arrive: a crash inside that window is
  // the only way an answered id gets looked up again.
  let found: Generation[] = [];
  let unknown: string[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    const [g, u] = [found, unknown];
    found = [];
    unknown = [];
    flushing = flushing.then(async () => {
      await completeLookups(db, g, now());
      await settleNotFound(db, u, now());
    });
    return flushing;
  }
  function buffered(): Promise<void> {
    if (found.length + unknown.length >= FLUSH_AT) return flush();
    flushTimer ??= setTimeout(
      () => void flush().catch((error: unknown) => log?.error({ err: error }, 'lookup write failed')),
      FLUSH_MS,
    );
    return Promise.resolve();
  }

  async function release(id: string): Promise<void> {
    await retryLookup(db, { id, at: now(), now: now(), refundAttempt: true });
  }

  async function lookup(claim: ClaimedLookup, signal: AbortSignal): Promise<void> {
    const { id, attempts } = claim;
    try {
      stats.lookups += 1;
      const g = await deps.openrouter.getGeneration(id, { budgetMs, signal });
      if (g) {
        found.push(g);
        stats.found += 1;
        await buffered();
        return;
      }
      const age = claim.firstSeen ? now().getTime() - claim.firstSeen.getTime() : Number.POSITIVE_INFINITY;
      if (age >= settleMs || attempts >= maxAttempts) {
        unknown.push(id);
        stats.notFound += 1;
        await buffered();
      } else {
        await retryLookup(db, {
          id,
          at: new Date(now().getTime() + backoffMs(attempts)),
          now: now(),
          message: 'not published yet',
        });
        stats.retried += 1;
      }
    } catch (error) {
      if (signal.aborted) {
        stats.lookups -= 1;
        await release(id);
        return;
      }
      if (error instanceof MissingKeyError || (error instanceof OpenRouterError && error.status === 401)) {
        fatal = error;
        stats.lookups -= 1;
        await release(id);
        return;
      }
      if (error instanceof OpenRouterError && error.status === 403) {
        await settleLookup(db, { id, outcome: 'other_account', message: error.message, now: now() });
        stats.otherAccount += 1;
        return;
      }
      if (error instanceof OpenRouterError && error.kind === 'circuit-open') {
        // The client refused to call a struggling OpenRouter: nothing was looked up; wait, then retry.
        stats.lookups -= 1;
        pausedUntil = Math.max(pausedUntil, Date.now() + CIRCUIT_PAUSE_MS);
        await retryLookup(db, {
          id,
          at: new Date(now().getTime() + CIRCUIT_PAUSE_MS),
          now: now(),
          message: error.message,
          refundAttempt: true,
        });
        return;
      }
      if (error instanceof OpenRouterError && error.status === 429) {
        const wait = error.retryAfterMs ?? backoffMs(attempts);
        pausedUntil = Math.max(pausedUntil, Date.now() + wait);
        stats.rateLimited += 1;
        await retryLookup(db, {
          id,
          at: new Date(now().getTime() + wait),
          now: now(),
          message: 'rate limited',
          refundAttempt: true,
        });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      if (attempts >= maxAttempts) {
        await settleLookup(db, { id, outcome: 'error', message, now: now() });
        stats.failed += 1;
      } else {
        await retryLookup(db, { id, at: new Date(now().getTime() + backoffMs(attempts)), now: now(), message });
        stats.retried += 1;
      }
      log?.warn({ err: error, id, attempts }, 'generation lookup failed');
    }
  }

  /** Claims one batch and works it; returns how many were claimed. */
  async function batch(signal: AbortSignal): Promise<number> {
    if (fatal) throw fatal;
    const t = now();
    const claims = await claimLookups(db, {
      limit: concurrency * 4,
      now: t,
      leaseUntil: new Date(t.getTime() + leaseMs),
    });
    const queue = [...claims];
    const runner = async () => {
      for (let claim = queue.shift(); claim; claim = queue.shift()) {
        if (signal.aborted || fatal) {
          await release(claim.id);
          continue;
        }
        await pace(signal);
        if (signal.aborted) {
          await release(claim.id);
          continue;
        }
        await lookup(claim, signal);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claims.length) }, runner));
    await flush();
    if (fatal) throw fatal;
    return claims.length;
  }

  return {
    stats,
    start() {
      if (loop) return;
      controller = new AbortController();
      setMaxListeners(0, controller.signal);
      const { signal } = controller;
      loop = (async () => {
        while (!signal.aborted) {
          try {
            if ((await batch(signal)) === 0) await sleep(idleMs, signal);
          } catch (error) {
            log?.error({ err: error }, 'enrichment worker: batch failed; pausing');
            fatal = undefined;
            await sleep(Math.max(idleMs, 30_000), signal);
          }
        }
      })();
    },
    async stop() {
      controller.abort();
      await loop;
      loop = undefined;
    },
    async drain({ maxWaitMs = 60_000 } = {}) {
      const started = Date.now();
      const signal = controller.signal;
      fatal = undefined;
      while (!signal.aborted) {
        if ((await batch(signal)) > 0) continue;
        const { queued, nextDue } = await queueState(db);
        if (queued === 0) return { ...stats, pending: 0 };
        const wait = Math.max(0, (nextDue?.getTime() ?? 0) - now().getTime());
        const left = maxWaitMs - (Date.now() - started);
        if (wait > left) return { ...stats, pending: queued };
        await sleep(Math.min(Math.max(wait, 50), 1_000), signal);
      }
      const { queued } = await queueState(db);
      return { ...stats, pending: queued };
    },
  };
}
