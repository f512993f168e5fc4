/**
 * A key's spend rate from its stored `/keys` readings, runaway detection and key budget shares.
 *
 * - Spend between two readings is the change of the key's all-time `usage`, which never resets; the
 *   daily/weekly/monthly counters reset at UTC midnight (and the limit window at its reset), so they
 *   are used only when `usage` went backwards (a key recreated under the same hash) — then the day's
 *   counter since midnight is the most that can be said.
 * - The current rate is over the newest readings spanning at least {@link MIN_WINDOW_MS}; a long gap
 *   between readings gives the average over the gap (never an inflated spike).
 * - A runaway spends more than `factor ×` its normal hourly rate (its last 7 complete days of activity
 *   / 168 h) and more than the floor; a new key with no history is judged by the floor alone.
 *   An episode ends (re-arms) when the rate falls to {@link RUNAWAY_CLEAR_SHARE} of the level.
 * @module
 */

const HOUR_MS = 3_600_000;
/** The current rate is measured over at least this long (readings closer together are merged). */
const MIN_WINDOW_MS = 4 * 60_000;
/** A key whose newest reading is older than this (before `now`) is not judged (deleted or not synced). */
const STALE_MS = 2 * HOUR_MS;
/** A fired runaway re-arms once the rate is at or under this share of the level. */
const RUNAWAY_CLEAR_SHARE = 0.8;
/** A fired key budget alert re-arms once the share is this many points under its threshold. */
const KEY_BUDGET_CLEAR_POINTS = 5;

export interface KeyReading {
  at: Date;
  /** All-time spend of the key, USD. */
  usage: number;
  /** Spend in the UTC day of `at`. */
  usageDaily: number;
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** USD the key spent between two readings (`a` before `b`), never negative. */
export function spendBetween(a: KeyReading, b: KeyReading): number {
  if (b.usage >= a.usage) return b.usage - a.usage;
  // The all-time counter went back: only the day counter (since the last UTC midnight) is known.
  if (utcDay(a.at) === utcDay(b.at)) return Math.max(0, b.usageDaily - a.usageDaily);
  return Math.max(0, b.usageDaily);
}

interface Interval {
  from: Date;
  to: Date;
  usd: number;
  perHour: number;
}

/**
 * The readings (oldest first) as intervals of at least {@link MIN_WINDOW_MS}, newest last; readings
 * too close to the previous one are merged into the next interval.
 */
export function intervals(readings: readonly KeyReading[]): Interval[] {
  const sorted = [...readings].sort((x, y) => x.at.getTime() - y.at.getTime());
  const out: Interval[] = [];
  let start = sorted[0];
  if (!start) return out;
  let usd = 0;
  let prev = start;
  for (const r of sorted.slice(1)) {
    usd += spendBetween(prev, r);
    prev = r;
    const ms = r.at.getTime() - start.at.getTime();
    if (ms >= MIN_WINDOW_MS) {
      out.push({ from: start.at, to: r.at, usd, perHour: (usd / ms) * HOUR_MS });
      start = r;
      usd = 0;
    }
  }
  return out;
}

interface RunawayInput {
  /** The key's readings, any order. */
  readings: readonly KeyReading[];
  /** Spend over the key's last 7 complete UTC days (activity); 0 or null: no history. */
  last7DaysUsd: number | null;
  factor: number;
  floorPerHour: number;
  now: Date;
  /** The key is gone from OpenRouter (or disabled): never reported. */
  gone?: boolean;
}

export interface RunawayAssessment {
  /** `runaway`: over the level now. `calm`: at or under it. `unknown`: too few or stale readings, or gone. */
  status: 'runaway' | 'calm' | 'unknown';
  /** USD/hour over the newest interval. */
  perHour: number | null;
  /** USD/hour the key normally spends (last 7 complete days / 168). */
  normalPerHour: number;
  /** The rate over which it is a runaway: max(floor, factor × normal). */
  level: number;
  /** Start of the run of intervals over the level that ends now. */
  since: Date | null;
  /** Spent today so far plus the current rate until the end of the UTC day. */
  projectedToday: number | null;
  /** Whether a fired runaway may re-arm: the rate is at or under {@link RUNAWAY_CLEAR_SHARE} of the level. */
  cleared: boolean;
}

/** Is the key burning right now? See the module notes for the rules. */
export function assessRunaway(input: RunawayInput): RunawayAssessment {
  const normalPerHour = Math.max(0, input.last7DaysUsd ?? 0) / (7 * 24);
  const level = Math.max(input.floorPerHour, input.factor * normalPerHour);
  const none: RunawayAssessment = {
    status: 'unknown',
    perHour: null,
    normalPerHour,
    level,
    since: null,
    projectedToday: null,
    cleared: false,
  };
  if (input.gone) return { ...none, cleared: true };
  const spans = intervals(input.readings);
  const last = spans.at(-1);
  if (!last || input.now.getTime() - last.to.getTime() > STALE_MS) return none;
  let since: Date | null = null;
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i] as Interval;
    if (span.perHour <= level) break;
    since = span.from;
  }
  const newest = [...input.readings].sort((x, y) => y.at.getTime() - x.at.getTime())[0] as KeyReading;
  const today = utcDay(input.now);
  const spentToday = utcDay(newest.at) === today ? newest.usageDaily : 0;
  const midnight = Date.parse(`${today}T00:00:00Z`) + 24 * HOUR_MS;
  const hoursLeft = Math.max(0, midnight - input.now.getTime()) / HOUR_MS;
  return {
    status: last.perHour > level ? 'runaway' : 'calm',
    perHour: last.perHour,
    normalPerHour,
    level,
    since,
    projectedToday: spentToday + last.perHour * hoursLeft,
    cleared: last.perHour <= level * RUNAWAY_CLEAR_SHARE,
  };
}

interface KeyLimitView {
  limit: number | null;
  limitRemaining: number | null;
  limitReset: string | null;
  usage: number;
  usageDaily: number;
  usageWeekly: number;
  usageMonthly: number;
}

/** Monday of the UTC week of `d`, `YYYY-MM-DD`. */
function mondayOf(d: Date): string {
  const day = new Date(`${utcDay(d)}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return utcDay(day);
}

/**
 * The key's spend in its limit window as a percentage of its limit, and a label of that window
 * (the limit and the period's start): when the label changes the period reset or the limit changed.
 * Null for a key without a positive limit.
 */
export function keyBudgetShare(k: KeyLimitView, at: Date): { percent: number; spent: number; period: string } | null {
  if (k.limit === null || !(k.limit > 0)) return null;
  const reset = k.limitReset ?? 'none';
  const start =
    reset === 'daily'
      ? utcDay(at)
      : reset === 'weekly'
        ? mondayOf(at)
        : reset === 'monthly'
          ? utcDay(at).slice(0, 7)
          : 'all-time';
  const counter =
    reset === 'daily'
      ? k.usageDaily
      : reset === 'weekly'
        ? k.usageWeekly
        : reset === 'monthly'
          ? k.usageMonthly
          : k.usage;
  const spent = k.limitRemaining !== null ? Math.max(0, k.limit - k.limitRemaining) : counter;
  return { percent: (spent / k.limit) * 100, spent, period: `${k.limit}|${reset}|${start}` };
}

/** `fire` when an armed key budget rule crosses; `clear` when a fired one is {@link KEY_BUDGET_CLEAR_POINTS} under. */
export function keyBudgetVerdict(
  state: 'armed' | 'fired',
  threshold: number,
  percent: number,
): 'fire' | 'clear' | 'none' {
  if (state === 'armed') return percent >= threshold ? 'fire' : 'none';
  return percent < threshold - KEY_BUDGET_CLEAR_POINTS ? 'clear' : 'none';
}
