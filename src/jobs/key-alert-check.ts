/**
 * Key budget and runaway rules, evaluated after each credits check against the stored key readings
 * (src/domain/key-rates.ts). Each (rule, key) has its own state: armed → fired is one conditional
 * UPDATE bumping the crossing, and the post carries a dedupe key of (rule, key, crossing), so a key
 * is reported once per crossing or episode across replicas and retries. A fired state whose post
 * failed is posted again at the next check.
 * @module
 */

import type { ChatAdapter } from '../core/chat-adapter.js';
import type { Reply } from '../core/reply.js';
import type { Platform, Services } from '../core/services.js';
import { keySnoozedUntil } from '../db/queries/key-actions.js';
import {
  allKeyRules,
  type KeyAlertRule,
  type KeyAlertState,
  keySnapshotsSince,
  keySpendBetween,
  keyStates,
  transitionKeyState,
  updateKeyState,
} from '../db/queries/key-alerts.js';
import { listKeys, type StoredKey, workspaceNames } from '../db/queries/keys.js';
import { type KeyAlertButtons, keyBudgetMessage, runawayMessage } from '../digest/key-alert-message.js';
import { assessRunaway, keyBudgetShare, keyBudgetVerdict } from '../domain/key-rates.js';
import { addUtcDays } from '../domain/topup.js';

/** Readings this far back are enough to find when an episode started. */
const READINGS_WINDOW_MS = 26 * 3_600_000;

interface KeyAlertSummary {
  evaluated: number;
  fired: number;
  rearmed: number;
  posted: number;
  suppressed: number;
  failed: number;
}

interface KeyAlertCheckOptions {
  services: Services;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  /** Buttons of the runaway message (default Acknowledge / Snooze 24 h). */
  runawayButtons?: KeyAlertButtons;
}

/** Evaluates every key rule for every key it covers; isolated per (rule, key). */
export async function checkKeyAlerts(opts: KeyAlertCheckOptions): Promise<KeyAlertSummary> {
  const { services } = opts;
  const { db } = services.store.get();
  const log = services.log.child({ job: 'key-alerts' });
  const summary: KeyAlertSummary = { evaluated: 0, fired: 0, rearmed: 0, posted: 0, suppressed: 0, failed: 0 };
  const rules = await allKeyRules(db);
  if (rules.length === 0) return summary;
  const now = services.now();
  const today = now.toISOString().slice(0, 10);
  const [keys, readings, last7, names] = await Promise.all([
    listKeys(db, { includeDeleted: true }),
    keySnapshotsSince(db, new Date(now.getTime() - READINGS_WINDOW_MS)),
    keySpendBetween(db, addUtcDays(today, -7), today),
    workspaceNames(db),
  ]);
  const workspaceOf = (k: StoredKey) => (k.workspaceId ? names.get(k.workspaceId) : undefined);

  for (const rule of rules) {
    const targets = keys.filter((k) =>
      rule.target === 'all' ? k.deletedAt === null : k.hash === rule.target && k.deletedAt === null,
    );
    const states = await keyStates(
      db,
      rule.id,
      targets.map((k) => k.hash),
    );
    const snoozed = rule.snoozedUntil !== null && rule.snoozedUntil > now;
    for (const key of targets) {
      const state = states.get(key.hash);
      if (!state) continue;
      try {
        summary.evaluated += 1;
        // The runaway message's Snooze (keys/buttons.ts) quiets that key for 24 h, whatever the rule.
        const keySnoozed = snoozed || (await keySnoozedUntil(db, key.hash, now)) !== null;
        if (rule.kind === 'key') await budget(rule, key, state, keySnoozed);
        else await runaway(rule, key, state, keySnoozed);
      } catch (error) {
        summary.failed += 1;
        log.error({ err: error, ruleId: rule.id, key: key.name }, 'key alert check failed for this key');
      }
    }
  }
  return summary;

  async function budget(rule: KeyAlertRule, key: StoredKey, state: KeyAlertState, snoozed: boolean) {
    const share = keyBudgetShare(key, now);
    if (!share) return;
    let current = state.state;
    if (state.period !== share.period) {
      // The limit window reset or the limit changed: a new crossing may fire.
      if (current === 'fired') {
        if (await transitionKeyState(db, rule.id, key.hash, 'fired', 'armed', { period: share.period })) {
          summary.rearmed += 1;
        }
      } else await updateKeyState(db, rule.id, key.hash, { period: share.period });
      current = 'armed';
    }
    const verdict = keyBudgetVerdict(current, rule.threshold, share.percent);
    if (verdict === 'fire') {
      if (snoozed) {
        summary.suppressed += 1;
        return;
      }
      const fired = await transitionKeyState(db, rule.id, key.hash, 'armed', 'fired', {
        period: share.period,
        lastValue: share.percent,
        firedAt: now,
        messageId: null,
        acknowledgedBy: null,
      });
      if (fired) {
        summary.fired += 1;
        await post(rule, key, fired, budgetReply(rule, key, fired.crossingNo, share));
      }
      return;
    }
    if (verdict === 'clear') {
      if (await transitionKeyState(db, rule.id, key.hash, 'fired', 'armed', { lastValue: share.percent }))
        summary.rearmed += 1;
      return;
    }
    await updateKeyState(db, rule.id, key.hash, { lastValue: share.percent });
    if (current === 'fired' && state.messageId === null) {
      await post(rule, key, state, budgetReply(rule, key, state.crossingNo, share));
    }
  }

  function budgetReply(
    rule: KeyAlertRule,
    key: StoredKey,
    crossingNo: number,
    share: { percent: number; spent: number },
  ) {
    const workspace = workspaceOf(key);
    return keyBudgetMessage({
      ruleId: rule.id,
      crossingNo,
      threshold: rule.threshold,
      key,
      ...(workspace ? { workspace } : {}),
      percent: share.percent,
      spent: share.spent,
      asOf: key.syncedAt,
    });
  }

  async function runaway(rule: KeyAlertRule, key: StoredKey, state: KeyAlertState, snoozed: boolean) {
    const assessment = assessRunaway({
      readings: (readings.get(key.hash) ?? []).map((r) => ({
        at: r.takenAt,
        usage: r.usage,
        usageDaily: r.usageDaily,
      })),
      last7DaysUsd: last7.get(key.hash) ?? null,
      factor: rule.threshold,
      floorPerHour: services.config.runawayFloorUsdPerHour,
      now,
      gone: key.disabled,
    });
    const reply = (crossingNo: number) => {
      const workspace = workspaceOf(key);
      return runawayMessage(
        {
          ruleId: rule.id,
          crossingNo,
          factor: rule.threshold,
          key,
          ...(workspace ? { workspace } : {}),
          assessment,
          asOf: now,
        },
        opts.runawayButtons,
      );
    };
    if (state.state === 'armed') {
      if (assessment.status !== 'runaway') {
        await updateKeyState(db, rule.id, key.hash, { lastValue: assessment.perHour });
        return;
      }
      if (snoozed) {
        summary.suppressed += 1;
        return;
      }
      const fired = await transitionKeyState(db, rule.id, key.hash, 'armed', 'fired', {
        lastValue: assessment.perHour,
        firedAt: now,
        since: assessment.since,
        messageId: null,
        acknowledgedBy: null,
      });
      if (fired) {
        summary.fired += 1;
        await post(rule, key, fired, reply(fired.crossingNo));
      }
      return;
    }
    if (assessment.cleared) {
      if (await transitionKeyState(db, rule.id, key.hash, 'fired', 'armed', { lastValue: assessment.perHour }))
        summary.rearmed += 1;
      return;
    }
    if (state.messageId === null && assessment.status === 'runaway')
      await post(rule, key, state, reply(state.crossingNo));
  }

  async function post(rule: KeyAlertRule, key: StoredKey, state: KeyAlertState, message: Reply): Promise<void> {
    const adapter = opts.adapters.get(rule.platform);
    try {
      if (!adapter) throw new Error(`no ${rule.platform} adapter is configured`);
      const posted = await adapter.post({ workspaceId: rule.workspaceId, channelId: rule.channelId }, message, {
        dedupeKey: `key-alert:${rule.id}:${key.hash}:${state.crossingNo}`,
      });
      await updateKeyState(db, rule.id, key.hash, { messageId: posted.messageId ?? '' });
      services.metrics.alertsFired.inc({ kind: rule.kind, platform: rule.platform });
      summary.posted += 1;
      log.info({ ruleId: rule.id, key: key.name, crossingNo: state.crossingNo }, 'key alert posted');
    } catch (error) {
      summary.failed += 1;
      log.error({ err: error, ruleId: rule.id, key: key.name }, 'key alert post failed; retried at the next check');
    }
  }
}
