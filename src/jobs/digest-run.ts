/**
 * Sends every digest due at a time, exactly once (`credits-bot digest run [--at]` and the
 * scheduler's minute tick). Per subscription: find the newest due window, claim its delivery row
 * (unique per subscription and window; a dead owner's claim is taken over after its lease), make
 * sure OpenRouter has published the window's last day, build and post the digest with a dedupe key
 * (so a crash between posting and recording cannot show a second message), record the message id.
 * Each subscription is isolated: a failure is logged, recorded and retried with backoff.
 * @module
 */

import type { ChatAdapter, PostResult } from '../core/chat-adapter.js';
import type { Platform, Services } from '../core/services.js';
import {
  claimDelivery,
  type Delivery,
  markFailed,
  markPostStarted,
  markSent,
  markSkipped,
} from '../db/queries/digest-deliveries.js';
import { activeSubscriptions, type Subscription } from '../db/queries/subscriptions.js';
import { renderDigest } from '../digest/build-digest.js';
import { addDays, computeDigestFigures, type DayWindow } from '../digest/figures.js';
import { lastSettledDelivery, loadDigestInputs, rowsOnDay } from '../digest/queries.js';
import { latestDue } from '../domain/digest-window.js';
import { formatUtcMinute } from '../domain/time.js';
import { syncOnce } from './sync.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface DigestHooks {
  /** Called right after a claim; throwing aborts the whole run as if the process died there (tests). */
  afterClaim?(delivery: Delivery): void | Promise<void>;
  /** Called after the post, before it is recorded; throwing aborts like `afterClaim`. */
  afterSend?(delivery: Delivery, result: PostResult): void | Promise<void>;
}

export interface RunDigestsOptions {
  services: Services;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  /** Which windows are due: those due at or before this time. */
  at: Date;
  /** This process or replica, recorded on the claim. */
  owner: string;
  hooks?: DigestHooks;
  /** How long a claim holds before another process may take it over. Default 10 minutes. */
  leaseMs?: number;
  /** How long after the due time to keep waiting for OpenRouter to publish the last day. Default 6 hours. */
  freshnessGraceMs?: number;
  /** Wait between freshness checks. Default 30 minutes. */
  freshnessRetryMs?: number;
  /** Sync credits, keys and activity before the first send of the run. Default true. */
  sync?: boolean;
}

export type DigestOutcome = 'sent' | 'deduplicated' | 'skipped' | 'deferred' | 'failed' | 'not-claimed';

export interface DigestRunResult {
  subscriptionId: number;
  platform: Platform;
  channelId: string;
  window: DayWindow;
  outcome: DigestOutcome;
  messageId?: string;
  missedWindows?: number;
  error?: string;
}

export interface DigestRunSummary {
  at: string;
  due: number;
  sent: number;
  skipped: number;
  deferred: number;
  failed: number;
  results: DigestRunResult[];
}

/** A hook asked the run to stop as if the process had died (crash injection). */
export class DigestRunAborted extends Error {
  override readonly name = 'DigestRunAborted';
}

async function hook(fn: (() => void | Promise<void>) | undefined): Promise<void> {
  if (!fn) return;
  try {
    await fn();
  } catch (error) {
    throw new DigestRunAborted('aborted by a hook', { cause: error });
  }
}

/** Retry delay after the n-th failed attempt: 5 min, 10, 20 … at most 6 hours. */
function failureBackoffMs(attempts: number): number {
  return Math.min(5 * MINUTE * 2 ** Math.max(0, attempts - 1), 6 * HOUR);
}

function dedupeKeyFor(delivery: Pick<Delivery, 'subscriptionId' | 'windowStart'>): string {
  return `digest:${delivery.subscriptionId}:${delivery.windowStart}`;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

/** Sends every digest due at `at` that has not been sent. Never throws for one subscription's failure. */
export async function runDueDigests(opts: RunDigestsOptions): Promise<DigestRunSummary> {
  const { services, at } = opts;
  const db = services.store.get().db;
  const log = services.log.child({ job: 'digest', owner: opts.owner });
  const leaseMs = opts.leaseMs ?? 10 * MINUTE;
  const graceMs = opts.freshnessGraceMs ?? 6 * HOUR;
  const summary: DigestRunSummary = {
    at: at.toISOString(),
    due: 0,
    sent: 0,
    skipped: 0,
    deferred: 0,
    failed: 0,
    results: [],
  };
  let synced: Promise<void> | undefined;
  const syncFirst = () => {
    if (opts.sync === false || !services.openrouter.hasManagementKey) return Promise.resolve();
    synced ??= syncOnce({ db, openrouter: services.openrouter, now: services.now, logger: log }).then(
      (s) => {
        if (s.errors.length > 0)
          log.warn({ errors: s.errors }, 'digest: sync before sending had errors; using stored data');
      },
      (error: unknown) => log.warn({ err: error }, 'digest: sync before sending failed; using stored data'),
    );
    return synced;
  };

  for (const sub of await activeSubscriptions(db)) {
    const settled = await lastSettledDelivery(db, sub.id);
    const notBefore = settled && settled.dueAt > sub.subscribedAt ? settled.dueAt : sub.subscribedAt;
    let due: ReturnType<typeof latestDue>;
    try {
      due = latestDue(sub, at, notBefore);
    } catch (error) {
      // A broken schedule (e.g. a time zone the runtime no longer knows) must not stop other channels.
      log.error({ err: error, subscriptionId: sub.id, channel: sub.channelId }, 'digest schedule unusable; skipped');
      continue;
    }
    if (!due) continue;
    summary.due += 1;
    const window = { from: due.window.from, to: due.window.to };
    const base = { subscriptionId: sub.id, platform: sub.platform, channelId: sub.channelId, window };
    const delivery = await claimDelivery(db, {
      subscriptionId: sub.id,
      windowStart: window.from,
      windowEnd: window.to,
      dueAt: due.dueAt,
      owner: opts.owner,
      leaseMs,
      now: services.now(),
      missedWindows: due.missed,
    });
    if (!delivery) {
      summary.results.push({ ...base, outcome: 'not-claimed' });
      continue;
    }
    await hook(opts.hooks?.afterClaim && (() => opts.hooks?.afterClaim?.(delivery)));
    const result = await deliver(sub, delivery, window);
    summary.results.push({ ...base, ...result, missedWindows: delivery.missedWindows });
    if (result.outcome === 'sent' || result.outcome === 'deduplicated') summary.sent += 1;
    else if (result.outcome === 'skipped') summary.skipped += 1;
    else if (result.outcome === 'deferred') summary.deferred += 1;
    else if (result.outcome === 'failed') summary.failed += 1;
    services.metrics.digestDeliveries.inc({ status: result.outcome, platform: sub.platform });
  }
  return summary;

  async function deliver(
    sub: Subscription,
    delivery: Delivery,
    window: DayWindow,
  ): Promise<Pick<DigestRunResult, 'outcome' | 'messageId' | 'error'>> {
    const itemLog = log.child({
      subscriptionId: sub.id,
      platform: sub.platform,
      channel: sub.channelId,
      window: window.from,
    });
    let posted = false;
    try {
      await syncFirst();
      const now = services.now();
      const lastDay = addDays(window.to, -1);
      const published = (await rowsOnDay(db, lastDay)) > 0;
      const waited = now.getTime() - delivery.dueAt.getTime();
      if (!published && waited < graceMs) {
        const retryAt = new Date(now.getTime() + (opts.freshnessRetryMs ?? 30 * MINUTE));
        await markFailed(db, delivery.id, `waiting for OpenRouter to publish ${lastDay}`, retryAt);
        itemLog.info({ lastDay, retryAt }, 'digest deferred: the last day of the window is not published yet');
        return { outcome: 'deferred', error: `waiting for ${lastDay}` };
      }
      const inputs = await loadDigestInputs({ db, window, now, openrouter: services.openrouter, log: itemLog });
      const figures = computeDigestFigures(inputs);
      if (figures.empty) {
        await markSkipped(db, delivery.id, 'no spend in the window');
        itemLog.info('digest skipped: no spend in the window');
        return { outcome: 'skipped' };
      }
      const reply = await renderDigest(figures, {
        missedWindows: delivery.missedWindows,
        onChartError: (error) => itemLog.warn({ err: error }, 'digest chart failed; sending without it'),
      });
      if (!published) {
        reply.notes = [
          ...(reply.notes ?? []),
          `OpenRouter had not published ${lastDay} by ${formatUtcMinute(now)}; that day may be incomplete.`,
        ];
      }
      const adapter = opts.adapters.get(sub.platform);
      if (!adapter) throw new Error(`no ${sub.platform} adapter is configured`);
      // The ledger: a claim taken over with this still set means the dead owner may have posted.
      const mayHavePosted = delivery.postStartedAt !== null;
      await markPostStarted(db, delivery.id, services.now());
      const result = await adapter.post({ workspaceId: sub.workspaceId, channelId: sub.channelId }, reply, {
        dedupeKey: dedupeKeyFor(delivery),
        mayHavePosted,
      });
      posted = true;
      await hook(opts.hooks?.afterSend && (() => opts.hooks?.afterSend?.(delivery, result)));
      await markSent(db, delivery.id, result.messageId || null, services.now());
      if (result.unconfirmed) {
        itemLog.warn('digest not re-posted: an earlier attempt may have posted it and the channel cannot be read');
      }
      itemLog.info({ messageId: result.messageId, deduplicated: result.deduplicated }, 'digest sent');
      return { outcome: result.deduplicated ? 'deduplicated' : 'sent', messageId: result.messageId };
    } catch (error) {
      if (error instanceof DigestRunAborted) throw error;
      const retryAt = new Date(services.now().getTime() + failureBackoffMs(delivery.attempts));
      itemLog.error({ err: error, attempts: delivery.attempts, retryAt }, 'digest delivery failed; will retry');
      await markFailed(db, delivery.id, describe(error), retryAt, posted).catch((markError: unknown) =>
        itemLog.error({ err: markError }, 'could not record the failed delivery'),
      );
      return { outcome: 'failed', error: describe(error) };
    }
  }
}

/** `credits-bot digest run [--at]`: builds the core and the configured adapters, runs once, exits 0/1. */
