/**
 * The public message of a fired balance alert, with Acknowledge and Snooze 24 h buttons, and the
 * short reply shown after either button.
 * @module
 */

import { ALERT_ACK, ALERT_SNOOZE, button } from '../core/buttons.js';
import type { Reply, ReplyField } from '../core/reply.js';
import type { AlertRule } from '../db/queries/alerts.js';
import type { AlertKind } from '../db/schema.js';
import { formatDays, formatUsd } from '../domain/money.js';

/** What the rules are evaluated against, from the latest snapshot and stored activity. */
export interface AlertReadings {
  asOf: Date;
  balance: number;
  /** USD/day over the last 7 complete UTC days (activity), else from balance readings; null when unknown. */
  burnPerDay: number | null;
  /** Days until the balance runs out at that burn rate; null without spend. */
  runwayDays: number | null;
  /** Spend today (UTC) so far, from balance readings; null without a reading before midnight. */
  spendToday: number | null;
  /** Average daily spend over the 7 complete UTC days before today. */
  trailingAverage: number | null;
}

/** How the rule reads in lists and messages: "balance below $50.00". */
export function describeRule(kind: AlertKind, threshold: number): string {
  if (kind === 'below') return `balance below ${formatUsd(threshold)}`;
  if (kind === 'runway') return `runway under ${threshold} day${threshold === 1 ? '' : 's'}`;
  return `daily spend over ${threshold}× the 7-day average`;
}

/** The button value: which rule and which crossing it answers. */
function alertButtonValue(ruleId: number, crossingNo: number): string {
  return `${ruleId}:${crossingNo}`;
}

export function parseAlertButtonValue(value: string): { ruleId: number; crossingNo: number } | null {
  const m = /^(\d{1,9}):(\d{1,9})$/.exec(value.trim());
  return m ? { ruleId: Number(m[1]), crossingNo: Number(m[2]) } : null;
}

export function alertMessage(p: {
  rule: Pick<AlertRule, 'id' | 'kind' | 'threshold'>;
  crossingNo: number;
  readings: AlertReadings;
  value: number | null;
}): Reply {
  const { rule, readings: r } = p;
  let title: string;
  let summary: string;
  if (rule.kind === 'below') {
    title = `Balance below ${formatUsd(rule.threshold)}`;
    summary = `The OpenRouter balance is ${formatUsd(r.balance)}, below the ${formatUsd(rule.threshold)} alert set for this channel.`;
  } else if (rule.kind === 'runway') {
    title = `Runway under ${rule.threshold} days`;
    summary = `At the current burn rate the credits last about ${formatDays(r.runwayDays ?? 0)}, under the ${rule.threshold}-day alert set for this channel.`;
  } else {
    title = 'Spend spike today';
    summary = `Spend today (UTC) is ${formatUsd(r.spendToday ?? 0)}, ${(p.value ?? 0).toFixed(1)}× the trailing 7-day average of ${formatUsd(r.trailingAverage ?? 0)}/day (alert at ${rule.threshold}×).`;
  }
  const fields: ReplyField[] = [{ label: 'Balance', value: formatUsd(r.balance), inline: true }];
  if (r.burnPerDay !== null) fields.push({ label: 'Burn rate', value: `${formatUsd(r.burnPerDay)}/day`, inline: true });
  if (r.runwayDays !== null) {
    const runOut = new Date(r.asOf.getTime() + r.runwayDays * 86_400_000).toISOString().slice(0, 10);
    fields.push({ label: 'Runway', value: `${formatDays(r.runwayDays)} → runs out ${runOut}`, inline: true });
  }
  const value = alertButtonValue(rule.id, p.crossingNo);
  return {
    title,
    tone: rule.kind === 'spike' ? 'warning' : 'danger',
    summary,
    fields,
    notes: [
      'This alert fires once per crossing and re-arms when the condition clears. Top up at https://openrouter.ai/settings/credits',
    ],
    asOf: r.asOf,
    footer: `Alert: ${describeRule(rule.kind, rule.threshold)} · /credits alert list`,
    visibility: 'public',
    buttons: [button(ALERT_ACK, value), button(ALERT_SNOOZE, value)],
  };
}
