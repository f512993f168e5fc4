/**
 * The service's clock-driven work, on croner: due digests every minute; a credits check every
 * SYNC_CREDITS_MINUTES (credits and key snapshots, then every alert rule; ./credits-check.ts); keys and activity every SYNC_ACTIVITY_MINUTES;
 * the de-duplication tables pruned every hour (DEDUP_RETENTION_HOURS).
 * Each job runs under a Postgres advisory lock, so one replica at a time does it (the digest ledger
 * and the alert transitions stay exactly-once without the lock; the lock saves duplicate work).
 * Time comes from `services.now`, so tests drive the jobs with `runNow`.
 * @module
 */
import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { ChatAdapter } from '../core/chat-adapter.js';
import type { Platform, Services } from '../core/services.js';
import { pruneAudit } from '../db/queries/audit.js';
import { pruneKeySnapshots } from '../db/queries/key-alerts.js';
import type { KeyAlertButtons } from '../digest/key-alert-message.js';
import type { Logger } from '../logger.js';
import type { AlertCheckSummary } from './alert-check.js';
import { runCreditsCheck } from './credits-check.js';
import { type DigestRunSummary, runDueDigests } from './digest-run.js';
import { type PruneSummary, pruneDedupTables } from './prune.js';
import { syncOnce } from './sync.js';

export type JobName = 'digests' | 'credits' | 'activity' | 'prune';

export interface SchedulerOptions {
  services: Services;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  log: Logger;
  /** Recorded on digest claims. Default `host:pid`. */
  owner?: string;
  /** Replaces `services.now` for the jobs. */
  now?: () => Date;
  /** The buttons of a runaway key's message (the service passes the key actions: Disable key, Set limit…, Snooze). */
  runawayButtons?: KeyAlertButtons;
}

export interface Scheduler {
  start(): void;
  /** Stops the timers and waits for running jobs. */
  stop(): Promise<void>;
  /** Runs one job now (under its lock); `ran: false` when another runner holds it or the store is down. */
  runNow(job: 'digests'): Promise<{ ran: boolean; value?: DigestRunSummary }>;
  runNow(job: 'credits'): Promise<{ ran: boolean; value?: AlertCheckSummary | null }>;
  runNow(job: 'activity'): Promise<{ ran: boolean; value?: unknown }>;
  runNow(job: 'prune'): Promise<{ ran: boolean; value?: PruneSummary }>;
}

/** Key readings older than this are pruned (runaway detection looks back 26 hours). */
const KEY_SNAPSHOT_RETENTION_MS = 8 * 86_400_000;
const LOCK_PREFIX = 'credits-bot:job:';

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const services: Services = opts.now ? { ...opts.services, now: opts.now } : opts.services;
  const owner = opts.owner ?? `${hostname()}:${process.pid}`;
  const log = opts.log;
  const running = new Set<Promise<unknown>>();
  let crons: Cron[] = [];
  let startupTimer: NodeJS.Timeout | undefined;

  const jobs: Record<JobName, () => Promise<unknown>> = {
    digests: () => runDueDigests({ services, adapters: opts.adapters, at: services.now(), owner }),
    credits: async () => {
      if (!services.openrouter.hasManagementKey) return null;
      return (
        await runCreditsCheck({
          services,
          adapters: opts.adapters,
          log,
          ...(opts.runawayButtons ? { runawayButtons: opts.runawayButtons } : {}),
        })
      ).alerts;
    },
    activity: async () => {
      const { db } = services.store.get();
      const cutoff = new Date(services.now().getTime() - services.config.auditRetentionDays * 86_400_000);
      const pruned = await pruneAudit(db, cutoff);
      if (pruned > 0) log.info({ pruned, cutoff }, 'old audit rows pruned');
      if (!services.openrouter.hasManagementKey) return null;
      const summary = await syncOnce({
        db,
        openrouter: services.openrouter,
        now: services.now,
        logger: log,
        parts: ['keys', 'activity'],
      });
      return summary;
    },
    prune: async () => {
      const { db } = services.store.get();
      const retentionHours = services.config.dedupRetentionHours;
      const pruned = await pruneDedupTables({ db, now: services.now(), retentionHours });
      await pruneKeySnapshots(db, new Date(services.now().getTime() - KEY_SNAPSHOT_RETENTION_MS));
      if (pruned.processedEvents + pruned.rateWindows > 0) log.debug({ pruned, retentionHours }, 'dedup rows pruned');
      return pruned;
    },
  };

  async function runNow(job: JobName): Promise<{ ran: boolean; value?: unknown }> {
    if (!services.store.available()) {
      log.debug({ job }, 'store unavailable; job skipped');
      return { ran: false };
    }
    const work = services.store
      .get()
      .withAdvisoryLock(`${LOCK_PREFIX}${job}`, jobs[job])
      .catch((error: unknown) => {
        log.error({ err: error, job }, 'scheduled job failed');
        return { ran: true };
      });
    running.add(work);
    try {
      return await work;
    } finally {
      running.delete(work);
    }
  }

  function every(minutes: number, job: JobName): Cron {
    return new Cron('* * * * *', { interval: minutes * 60, protect: true, unref: true }, async () => {
      await runNow(job);
    });
  }

  return {
    start() {
      if (crons.length > 0) return;
      const { syncCreditsMinutes, syncActivityMinutes } = services.config;
      crons = [
        new Cron('* * * * *', { protect: true, unref: true }, async () => {
          await runNow('digests');
        }),
        every(syncCreditsMinutes, 'credits'),
        every(syncActivityMinutes, 'activity'),
        every(60, 'prune'),
      ];
      log.info({ syncCreditsMinutes, syncActivityMinutes, owner }, 'scheduler started');
      if (!services.openrouter.hasManagementKey) {
        log.info(
          'no OPENROUTER_MANAGEMENT_KEY: credits, keys and activity are not synced (alerts and digests need them)',
        );
      }
      // Fill the store soon after start instead of waiting a whole interval.
      startupTimer = setTimeout(() => {
        void runNow('activity').then(() => runNow('credits'));
      }, 2_000);
      startupTimer.unref();
    },
    async stop() {
      if (startupTimer) clearTimeout(startupTimer);
      for (const c of crons) c.stop();
      crons = [];
      await Promise.allSettled([...running]);
    },
    runNow: runNow as Scheduler['runNow'],
  };
}
