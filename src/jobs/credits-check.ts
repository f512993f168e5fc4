/**
 * One credits check, as the service's scheduler runs it every SYNC_CREDITS_MINUTES and
 * `credits-bot alert check` runs it once: a `/credits` reading and every key's counters into the
 * store, then every alert rule (balance, key budget, runaway) evaluated and delivered.
 * @module
 */
import type { ChatAdapter } from '../core/chat-adapter.js';
import type { Platform, Services } from '../core/services.js';
import type { KeyAlertButtons } from '../digest/key-alert-message.js';
import type { Logger } from '../logger.js';
import { type AlertCheckSummary, checkAlerts } from './alert-check.js';
import { type SyncSummary, syncOnce } from './sync.js';

interface CreditsCheckResult {
  at: string;
  snapshot: { balance: number | null; keys: number | null; errors: SyncSummary['errors'] };
  /** Null when no credits reading could be taken (nothing evaluated). */
  alerts: AlertCheckSummary | null;
}

export async function runCreditsCheck(opts: {
  services: Services;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  log: Logger;
  runawayButtons?: KeyAlertButtons;
}): Promise<CreditsCheckResult> {
  const { services } = opts;
  const { db } = services.store.get();
  const sync = await syncOnce({
    db,
    openrouter: services.openrouter,
    now: services.now,
    logger: opts.log,
    // Keys too: every check stores each key's counters (key budget and runaway alerts).
    parts: ['credits', 'keys'],
  });
  const result: CreditsCheckResult = {
    at: services.now().toISOString(),
    snapshot: { balance: sync.credits?.balance ?? null, keys: sync.keys ?? null, errors: sync.errors },
    alerts: null,
  };
  if (!sync.credits) return result;
  result.alerts = await checkAlerts({
    services,
    adapters: opts.adapters,
    ...(opts.runawayButtons ? { runawayButtons: opts.runawayButtons } : {}),
  });
  return result;
}
