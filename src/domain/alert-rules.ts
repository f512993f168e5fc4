/**
 * The alert state machine: fire once per crossing, stay quiet while fired, re-arm only when the
 * condition clears with some hysteresis, so a balance hovering at the threshold does not flap.
 *
 * - `below`: balance (USD) under the threshold; re-arms at ≥ max(threshold × 1.05, threshold + $1).
 * - `runway`: runway (days) under the threshold; re-arms at ≥ threshold + max(1 day, 10 %).
 * - `spike`: the last complete day's spend over factor × the trailing 7-day average (default 2×);
 *   re-arms when a later day is back at or under the factor.
 *
 * A snooze holds back `fire` until it ends (the rule stays armed, so a condition that still holds
 * then fires) but re-arming goes on, so a crossing during the snooze is not lost.
 * @module
 */
import { formatDays, formatUsd } from './money.js';
import { formatUtcMinute } from './time.js';

/** A plain decimal: `25`, `1,000`, `0.5`, `.5` (no exponent, no sign). */
const PLAIN_NUMBER = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$/;
const USD_AFFIXES = /^\$\s*|\s*(?:usd|\$)$/gi;
const DAY_SUFFIX = /\s*(?:d|days?)$/i;
const FACTOR_SUFFIX = /\s*[x×]$/i;
const UNSAFE_ECHO = /[^\w .,$×-]/g;
const MAX_USD = 1e9;
const MAX_DAYS = 3650;
const MAX_FACTOR = 100;

export type AlertKind = 'below' | 'runway' | 'spike';
export type AlertVerdict = 'fire' | 'clear' | 'none';
export type AlertState = 'armed' | 'fired';

/** The factor a `spike` rule uses when none is given. */
export const DEFAULT_SPIKE_FACTOR = 2;

/** A rule as stored. */
export interface AlertRuleState {
  kind: AlertKind;
  /** USD for `below`, days for `runway`, a factor over the trailing average for `spike`. */
  threshold: number;
  state: AlertState;
  /** `fire` is held back while `now` is before this. */
  snoozedUntil: Date | null;
  /** `spike` only: the UTC day (`YYYY-MM-DD`) that fired; when known, only a later day re-arms. */
  firedDay?: string | null;
}

/** The latest readings; null when unknown. */
export interface AlertMetrics {
  /** Account balance, USD. */
  balance: number | null;
  /** Days of runway; pass `Infinity` when nothing is burning (null means unknown). */
  runwayDays: number | null;
  /** Spend of the last complete UTC day, USD. */
  lastDaySpend: number | null;
  /** Average daily spend over the trailing 7 days, USD. */
  trailingAvg: number | null;
  /** The UTC day `lastDaySpend` is for, `YYYY-MM-DD`. */
  day?: string;
}

/** What to do, the value compared (balance, days, or the spike ratio) and a line for people. */
export interface AlertEvaluation {
  /** `fire`: armed → fired, post it. `clear`: fired → armed. `none`: leave the rule as it is. */
  action: AlertVerdict;
  value: number | null;
  message: string;
}

/** The value at which a fired rule re-arms (`spike`: at or under it). */
export function clearLevel(kind: AlertKind, threshold: number): number {
  switch (kind) {
    case 'below':
      return Math.max(threshold * 1.05, threshold + 1);
    case 'runway':
      return threshold + Math.max(1, threshold * 0.1);
    case 'spike':
      return threshold;
  }
}

/** True when `value` is on the alerting side of `threshold`. */
export function isTriggered(kind: AlertKind, threshold: number, value: number): boolean {
  return kind === 'spike' ? value > threshold : value < threshold;
}

function isCleared(kind: AlertKind, threshold: number, value: number): boolean {
  const level = clearLevel(kind, threshold);
  return kind === 'spike' ? value <= level : value >= level;
}

/** The value a rule compares, or null when the readings cannot say. */
function readingFor(kind: AlertKind, m: AlertMetrics): number | null {
  if (kind === 'below') return m.balance !== null && Number.isFinite(m.balance) ? m.balance : null;
  if (kind === 'runway') {
    const r = m.runwayDays;
    return r !== null && !Number.isNaN(r) && r >= 0 ? r : null; // +Infinity: nothing is burning
  }
  const spend = m.lastDaySpend;
  const avg = m.trailingAvg;
  if (spend === null || avg === null || !Number.isFinite(spend) || !Number.isFinite(avg) || avg <= 0) return null;
  return spend / avg;
}

function days(n: number): string {
  return n === Number.POSITIVE_INFINITY ? 'unlimited (nothing is burning)' : formatDays(n);
}

function factor(n: number): string {
  return `${Number(n.toFixed(2))}×`;
}

function messagesFor(
  rule: AlertRuleState,
  m: AlertMetrics,
  value: number,
): Record<AlertVerdict | 'quiet' | 'held', string> {
  const { threshold } = rule;
  const level = clearLevel(rule.kind, threshold);
  if (rule.kind === 'below') {
    return {
      fire: `Balance ${formatUsd(value)} is below your ${formatUsd(threshold)} alert.`,
      clear: `Balance is back to ${formatUsd(value)}: the below-${formatUsd(threshold)} alert is armed again.`,
      held: `Balance ${formatUsd(value)} is still under ${formatUsd(level)}, where the alert re-arms.`,
      quiet: `Balance ${formatUsd(value)} is not below ${formatUsd(threshold)}.`,
      none: '',
    };
  }
  if (rule.kind === 'runway') {
    return {
      fire: `Runway ${days(value)} is under your ${formatDays(threshold)} alert.`,
      clear: `Runway is back to ${days(value)}: the ${formatDays(threshold)} runway alert is armed again.`,
      held: `Runway ${days(value)} is still under ${formatDays(level)}, where the alert re-arms.`,
      quiet: `Runway ${days(value)} is not under ${formatDays(threshold)}.`,
      none: '',
    };
  }
  const day = m.day ?? 'the last day';
  const spend = `Spend on ${day} was ${formatUsd(m.lastDaySpend ?? 0)}, ${factor(value)} the 7-day average of ${formatUsd(m.trailingAvg ?? 0)}`;
  return {
    fire: `${spend} (alert at over ${factor(threshold)}).`,
    clear: `${spend}: back within ${factor(threshold)}, so the spike alert is armed again.`,
    held: `The spike alert stays fired until a later day is back within ${factor(threshold)}.`,
    quiet: `${spend}, within ${factor(threshold)}.`,
    none: '',
  };
}

function evaluate(rule: AlertRuleState, m: AlertMetrics, now: Date): AlertEvaluation {
  if (!Number.isFinite(rule.threshold) || rule.threshold <= 0) {
    return { action: 'none', value: null, message: 'This alert has no valid threshold; set it again.' };
  }
  const value = readingFor(rule.kind, m);
  if (value === null) {
    const what = { below: 'balance', runway: 'runway', spike: 'spend history to compare with' }[rule.kind];
    return { action: 'none', value: null, message: `No ${what} yet, so the ${rule.kind} alert cannot be checked.` };
  }
  const text = messagesFor(rule, m, value);
  if (rule.state === 'armed') {
    if (!isTriggered(rule.kind, rule.threshold, value)) return { action: 'none', value, message: text.quiet };
    if (rule.snoozedUntil && now.getTime() < rule.snoozedUntil.getTime()) {
      const until = formatUtcMinute(rule.snoozedUntil);
      return { action: 'none', value, message: `${text.fire} Snoozed until ${until}.` };
    }
    return { action: 'fire', value, message: text.fire };
  }
  const sameDay = rule.kind === 'spike' && rule.firedDay && m.day !== undefined && m.day <= rule.firedDay;
  if (!sameDay && isCleared(rule.kind, rule.threshold, value)) return { action: 'clear', value, message: text.clear };
  return { action: 'none', value, message: text.held };
}

/**
 * What to do with a rule given the latest readings, at `now` (for the snooze). Missing readings,
 * and a spike rule without a trailing average above zero, give `none`.
 * @example evaluateAlert({ kind: 'below', threshold: 50, state: 'armed', snoozedUntil: null },
 *   { balance: 42, runwayDays: null, lastDaySpend: null, trailingAvg: null }, now)
 *   // { action: 'fire', value: 42, message: 'Balance $42.00 is below your $50.00 alert.' }
 */
export function evaluateAlert(rule: AlertRuleState, m: AlertMetrics, now: Date): AlertEvaluation {
  return evaluate(rule, m, now);
}

/** The outcome of {@link parseAlertThreshold}: the number, or what was wrong and the right form. */
export type ThresholdResult = { ok: true; value: number } | { ok: false; reason: string };

const EXAMPLES: Record<AlertKind, string> = {
  below: 'alert below 25',
  runway: 'alert runway 14',
  spike: 'alert spike 2',
};

/**
 * Reads the number after `alert <kind>`: USD for `below` (`25`, `$25`, `1,000.50`, any decimals),
 * days for `runway` (`14`, `14d`, `14 days`, at most 3650), a factor for `spike` (`2`, `2.5x`, `3×`;
 * more than 1 and at most 100; empty means 2). Refuses words, signs, exponents, zero and absurd
 * sizes with a short reason that quotes at most 20 characters of the input.
 * @example parseAlertThreshold('below', '$1,000') // { ok: true, value: 1000 }
 */
export function parseAlertThreshold(kind: AlertKind, text: string): ThresholdResult {
  const raw = text.trim();
  const fail = (why: string): ThresholdResult => ({ ok: false, reason: `${why} Try: ${EXAMPLES[kind]}` });
  if (raw === '') {
    if (kind === 'spike') return { ok: true, value: DEFAULT_SPIKE_FACTOR };
    return fail(
      kind === 'below' ? 'Give the balance in USD to alert under.' : 'Give the runway in days to alert under.',
    );
  }
  const bare =
    kind === 'below'
      ? raw.replace(USD_AFFIXES, '')
      : kind === 'runway'
        ? raw.replace(DAY_SUFFIX, '')
        : raw.replace(FACTOR_SUFFIX, '');
  const shown = raw.length > 20 ? `${raw.slice(0, 20).replace(UNSAFE_ECHO, '?')}…` : raw.replace(UNSAFE_ECHO, '?');
  const unit = { below: 'an amount in USD', runway: 'a number of days', spike: 'a factor such as 2 or 2.5' }[kind];
  if (bare.startsWith('-')) return fail(`"${shown}" is negative; use ${unit} above zero.`);
  if (!PLAIN_NUMBER.test(bare)) return fail(`"${shown}" is not ${unit}.`);
  const value = Number(bare.replaceAll(',', ''));
  if (!Number.isFinite(value)) return fail(`"${shown}" is not ${unit}.`);
  if (kind === 'below') {
    if (value <= 0) return fail(`"${shown}" is out of range: the amount must be more than $0.`);
    if (value > MAX_USD)
      return fail(`"${shown}" is out of range: that amount is too large (at most ${formatUsd(MAX_USD)}).`);
  } else if (kind === 'runway') {
    if (value <= 0) return fail(`"${shown}" is out of range: the runway must be more than 0 days.`);
    if (value > MAX_DAYS)
      return fail(`"${shown}" is out of range: that runway is too long (at most ${MAX_DAYS} days).`);
  } else {
    if (value <= 1)
      return fail(`"${shown}" is out of range: the factor must be more than 1 (2 means twice the 7-day average).`);
    if (value > MAX_FACTOR)
      return fail(`"${shown}" is out of range: that factor is too large (at most ${MAX_FACTOR}).`);
  }
  return { ok: true, value };
}
