/**
 * The public messages of a key budget alert and of a runaway key. The runaway message takes its
 * buttons as a parameter (default Acknowledge / Snooze 24 h) so key actions (Disable key, Set limit…)
 * can be passed in.
 * @module
 */
import { ALERT_ACK, ALERT_SNOOZE, button } from '../core/buttons.js';
import type { Reply, ReplyButton, ReplyField } from '../core/reply.js';
import type { StoredKey } from '../db/queries/keys.js';
import type { RunawayAssessment } from '../domain/key-rates.js';
import { formatUsd } from '../domain/money.js';
import { formatUtcMinute } from '../domain/time.js';

/** Button value of a key rule's alert: `k<rule id>:<crossing>` (balance rules are `<id>:<crossing>`). */
function keyAlertButtonValue(ruleId: number, crossingNo: number): string {
  return `k${ruleId}:${crossingNo}`;
}

export function parseKeyAlertButtonValue(value: string): { ruleId: number; crossingNo: number } | null {
  const m = /^k(\d{1,9}):(\d{1,9})$/.exec(value.trim());
  return m ? { ruleId: Number(m[1]), crossingNo: Number(m[2]) } : null;
}

/** Which buttons a key alert carries; `value` is {@link keyAlertButtonValue}. */
export type KeyAlertButtons = (key: StoredKey, value: string) => ReplyButton[];

const defaultKeyAlertButtons: KeyAlertButtons = (_key, value) => [
  button(ALERT_ACK, value),
  button(ALERT_SNOOZE, value),
];

function limitText(key: Pick<StoredKey, 'limit' | 'limitReset' | 'limitRemaining'>): string {
  if (key.limit === null) return 'none';
  const period = key.limitReset ? ` ${key.limitReset}` : ' (never resets)';
  const left = key.limitRemaining === null ? '' : `, ${formatUsd(key.limitRemaining)} left`;
  return `${formatUsd(key.limit)}${period}${left}`;
}

const PERIOD_WORDS: Record<string, string> = {
  daily: 'today (UTC)',
  weekly: 'this week (UTC)',
  monthly: 'this month (UTC)',
};

const keyLabel = (key: StoredKey, workspace?: string) => `${key.name}${workspace ? ` (${workspace})` : ''}`;

/** A key crossed `threshold` % of its own limit in its reset period. */
export function keyBudgetMessage(p: {
  ruleId: number;
  crossingNo: number;
  threshold: number;
  key: StoredKey;
  workspace?: string;
  percent: number;
  spent: number;
  asOf: Date;
  buttons?: KeyAlertButtons;
}): Reply {
  const { key } = p;
  const period = PERIOD_WORDS[key.limitReset ?? ''] ?? 'in total';
  const fields: ReplyField[] = [
    { label: 'Spent', value: `${formatUsd(p.spent)} (${p.percent.toFixed(1)} %)`, inline: true },
    { label: 'Limit', value: limitText(key), inline: true },
  ];
  return {
    title: `Key ${key.name} at ${Math.floor(p.percent)} % of its limit`,
    tone: p.percent >= 100 ? 'danger' : 'warning',
    summary: `Key ${keyLabel(key, p.workspace)} has spent ${formatUsd(p.spent)} of its ${formatUsd(key.limit ?? 0)} limit ${period}, over the ${p.threshold} % alert set for this channel.`,
    fields,
    notes: ['Once per crossing; re-armed when the limit resets, the limit changes, or the spend falls 5 points under.'],
    asOf: p.asOf,
    footer: `Alert: key ${key.name} over ${p.threshold} % of its limit · /credits alert list`,
    visibility: 'public',
    buttons: (p.buttons ?? defaultKeyAlertButtons)(key, keyAlertButtonValue(p.ruleId, p.crossingNo)),
  };
}

/** A key spending far over its normal rate: which, how fast, since when, projected spend today, its limit. */
export function runawayMessage(
  p: {
    ruleId: number;
    crossingNo: number;
    factor: number;
    key: StoredKey;
    workspace?: string;
    assessment: RunawayAssessment;
    asOf: Date;
  },
  buttons: KeyAlertButtons = defaultKeyAlertButtons,
): Reply {
  const { key, assessment: a } = p;
  const perHour = a.perHour ?? 0;
  const normal =
    a.normalPerHour > 0
      ? `${(perHour / a.normalPerHour).toFixed(1)}× its normal ${formatUsd(a.normalPerHour)}/h (last 7 days)`
      : 'a key with no spend in the last 7 days';
  const fields: ReplyField[] = [
    { label: 'Rate', value: `${formatUsd(perHour)}/h`, inline: true },
    { label: 'Since', value: a.since ? formatUtcMinute(a.since) : 'now', inline: true },
    { label: 'Projected today (UTC)', value: formatUsd(a.projectedToday ?? 0), inline: true },
    { label: 'Limit', value: limitText(key), inline: true },
  ];
  return {
    title: `Runaway key: ${key.name}`,
    tone: 'danger',
    summary: `Key ${keyLabel(key, p.workspace)} is spending ${formatUsd(perHour)}/h, ${normal}, since ${a.since ? formatUtcMinute(a.since) : 'now'}. At this rate it spends ${formatUsd(a.projectedToday ?? 0)} by the end of the UTC day.`,
    fields,
    notes: [
      `Reported once per episode: over ${p.factor}× the normal hourly rate and over ${formatUsd(a.level)}/h. To stop it, disable the key or set a limit on it.`,
    ],
    asOf: p.asOf,
    footer: `Alert: runaway keys (over ${p.factor}×) · /credits alert list`,
    visibility: 'public',
    buttons: buttons(key, keyAlertButtonValue(p.ruleId, p.crossingNo)),
  };
}
