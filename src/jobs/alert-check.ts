/**
 * Evaluates every alert rule after a credits snapshot and posts one message per crossing. The
 * armed → fired move is one conditional UPDATE and the crossing's event row is unique, so replicas
 * evaluating the same snapshot post once; the post carries a dedupe key so a retry after a crash is
 * invisible. A rule re-arms when its condition clears (with hysteresis, see `evaluateAlert`).
 * @module
 */
import type { ChatAdapter } from '../core/chat-adapter.js';
import type { Reply } from '../core/reply.js';
import type { Platform, Services } from '../core/services.js';
import { spendByDay } from '../db/queries/activity.js';
import {
  type AlertRule,
  allRules,
  claimRetryableEvent,
  markAlertEvent,
  recordAlertEvent,
  setLastValue,
  transitionRule,
} from '../db/queries/alerts.js';
import { creditSnapshotsSince, latestCreditSnapshot } from '../db/queries/credits.js';
import type { AlertKind } from '../db/schema.js';
import { type AlertReadings, alertMessage } from '../digest/alert-message.js';
import { addDays } from '../digest/figures.js';
import type { KeyAlertButtons } from '../digest/key-alert-message.js';
import { type AlertMetrics, evaluateAlert, isTriggered } from '../domain/alert-rules.js';
import { runway } from '../domain/runway.js';
import { checkKeyAlerts } from './key-alert-check.js';

const DAY_MS = 86_400_000;

export type { AlertReadings };

/** The value a rule of this kind compares with its threshold (spike: today / trailing average). */
function valueFor(kind: AlertKind, r: AlertReadings): number | null {
  if (kind === 'below') return r.balance;
  if (kind === 'runway') return r.runwayDays;
  if (r.spendToday === null || !r.trailingAverage || r.trailingAverage <= 0) return null;
  return r.spendToday / r.trailingAverage;
}

/** The readings as {@link evaluateAlert} takes them; a spike compares today's spend so far. */
function metricsOf(r: AlertReadings, now: Date): AlertMetrics {
  return {
    balance: r.balance,
    runwayDays: r.runwayDays,
    lastDaySpend: r.spendToday,
    trailingAvg: r.trailingAverage,
    day: now.toISOString().slice(0, 10),
  };
}

/** Reads the balance, burn rate, runway and today's spend from the store. */
export async function readAlertReadings(services: Services): Promise<AlertReadings | null> {
  const { db } = services.store.get();
  const latest = await latestCreditSnapshot(db);
  if (!latest) return null;
  const now = services.now();
  const today = now.toISOString().slice(0, 10);
  const midnight = new Date(`${today}T00:00:00Z`);
  const [days, since] = await Promise.all([
    spendByDay(db, { from: addDays(today, -7), to: today }),
    creditSnapshotsSince(db, new Date(midnight.getTime() - 7 * DAY_MS)),
  ]);
  const activityTotal = days.reduce((s, d) => s + d.usd, 0);
  const beforeMidnight = since.filter((s) => s.takenAt < midnight).at(-1) ?? null;
  const first = since[0];
  let burnPerDay: number | null = days.length > 0 ? activityTotal / 7 : null;
  if (burnPerDay === null && first && latest.takenAt.getTime() - first.takenAt.getTime() >= DAY_MS / 4) {
    burnPerDay =
      ((latest.totalUsage - first.totalUsage) / (latest.takenAt.getTime() - first.takenAt.getTime())) * DAY_MS;
  }
  const balance = latest.totalCredits - latest.totalUsage;
  return {
    asOf: latest.takenAt,
    balance,
    burnPerDay,
    runwayDays:
      burnPerDay === null ? null : (runway(balance, burnPerDay, latest.takenAt).days ?? Number.POSITIVE_INFINITY),
    spendToday: beforeMidnight ? latest.totalUsage - beforeMidnight.totalUsage : null,
    trailingAverage: days.length > 0 ? activityTotal / 7 : null,
  };
}

export interface AlertCheckOptions {
  services: Services;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  /** Readings to use instead of the store's (tests). */
  readings?: AlertReadings;
  /** Buttons of the runaway message (default Acknowledge / Snooze 24 h). */
  runawayButtons?: KeyAlertButtons;
}

export interface AlertCheckSummary {
  evaluated: number;
  fired: number;
  rearmed: number;
  posted: number;
  suppressed: number;
  failed: number;
}

/** Evaluates every rule once: balance rules, then key budget and runaway rules; isolated per rule. */
export async function checkAlerts(opts: AlertCheckOptions): Promise<AlertCheckSummary> {
  const summary = await checkBalanceAlerts(opts);
  const keys = await checkKeyAlerts({
    services: opts.services,
    adapters: opts.adapters,
    ...(opts.runawayButtons ? { runawayButtons: opts.runawayButtons } : {}),
  });
  for (const field of Object.keys(summary) as (keyof AlertCheckSummary)[]) summary[field] += keys[field];
  return summary;
}

async function checkBalanceAlerts(opts: AlertCheckOptions): Promise<AlertCheckSummary> {
  const { services } = opts;
  const { db } = services.store.get();
  const log = services.log.child({ job: 'alerts' });
  const summary: AlertCheckSummary = { evaluated: 0, fired: 0, rearmed: 0, posted: 0, suppressed: 0, failed: 0 };
  const readings = opts.readings ?? (await readAlertReadings(services));
  if (!readings) return summary;
  const now = services.now();

  for (const rule of await allRules(db)) {
    const ruleLog = log.child({ ruleId: rule.id, kind: rule.kind, platform: rule.platform, channel: rule.channelId });
    try {
      summary.evaluated += 1;
      const value = valueFor(rule.kind, readings);
      const { action: verdict } = evaluateAlert(
        {
          kind: rule.kind,
          threshold: rule.threshold,
          state: rule.state,
          snoozedUntil: rule.snoozedUntil,
          // Today-so-far only grows within a day, so no same-day guard: a lower reading re-arms (as before).
          firedDay: null,
        },
        metricsOf(readings, now),
        now,
      );
      // A snooze holds back `fire` (evaluateAlert answers `none`); count what it held back.
      const snoozed = rule.snoozedUntil !== null && rule.snoozedUntil > now;
      const held = snoozed && rule.state === 'armed' && value !== null && isTriggered(rule.kind, rule.threshold, value);
      if (verdict === 'fire') {
        if (
          await transitionRule(db, rule.id, 'armed', 'fired', {
            lastValue: value,
            firedAt: now,
            acknowledgedBy: null,
            acknowledgedAt: null,
          })
        ) {
          summary.fired += 1;
          const event = await recordAlertEvent(db, { ruleId: rule.id, firedAt: now, value });
          if (event && (await post(rule, event.id, event.crossingNo, readings, value))) summary.posted += 1;
        }
        continue;
      }
      if (held) summary.suppressed += 1;
      if (verdict === 'clear') {
        if (await transitionRule(db, rule.id, 'fired', 'armed', { lastValue: value })) summary.rearmed += 1;
        continue;
      }
      await setLastValue(db, rule.id, value);
      if (rule.state === 'fired') {
        // A crash between the transition and the post leaves the crossing without a sent event: finish it.
        const created = await recordAlertEvent(db, { ruleId: rule.id, firedAt: rule.firedAt ?? now, value });
        const event = created ?? (await claimRetryableEvent(db, rule.id, rule.crossingNo, now));
        // A taken-over event with no recorded failure: its poster died, perhaps after posting.
        const mayHavePosted = !created && event?.error === null;
        if (event && (await post(rule, event.id, event.crossingNo, readings, rule.lastValue ?? value, mayHavePosted)))
          summary.posted += 1;
      }
    } catch (error) {
      summary.failed += 1;
      ruleLog.error({ err: error }, 'alert check failed for this rule');
    }
  }
  return summary;

  async function post(
    rule: AlertRule,
    eventId: number,
    crossingNo: number,
    r: AlertReadings,
    value: number | null,
    mayHavePosted = false,
  ): Promise<boolean> {
    const adapter = opts.adapters.get(rule.platform);
    const ruleLog = log.child({ ruleId: rule.id, kind: rule.kind, channel: rule.channelId });
    try {
      if (!adapter) throw new Error(`no ${rule.platform} adapter is configured`);
      const message: Reply = alertMessage({ rule, crossingNo, readings: r, value });
      const posted = await adapter.post({ workspaceId: rule.workspaceId, channelId: rule.channelId }, message, {
        dedupeKey: `alert:${rule.id}:${crossingNo}`,
        mayHavePosted,
      });
      await markAlertEvent(db, eventId, { status: 'sent', messageId: posted.messageId || null });
      if (posted.unconfirmed) ruleLog.warn({ crossingNo }, 'alert not re-posted: it may have been posted already');
      services.metrics.alertsFired.inc({ kind: rule.kind, platform: rule.platform });
      ruleLog.info({ messageId: posted.messageId, crossingNo }, 'alert posted');
      return true;
    } catch (error) {
      summary.failed += 1;
      ruleLog.error({ err: error, crossingNo }, 'alert post failed; retried at the next check');
      await markAlertEvent(db, eventId, {
        status: 'failed',
        error: String(error instanceof Error ? error.message : error).slice(0, 500),
      }).catch(() => {});
      return false;
    }
  }
}
