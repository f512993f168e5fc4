/**
 * `topup` maths: how much to buy so the balance lasts until a date at the current burn, with a
 * weekday and a weekend daily rate from the last 28 complete UTC days, and the day the credits run
 * out without a top-up. Days are UTC calendar days; the rest of today counts as its remaining share.
 * @module
 */

const DAY_MS = 86_400_000;
/** Farthest target and farthest run-out date looked for. */
const MAX_TOPUP_DAYS = 366;
const MAX_RUNOUT_DAYS = 3650;

interface DaySpend {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  usd: number;
}

const isWeekend = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 || d === 6;
};

interface Seasonality {
  weekday: number;
  weekend: number;
  /** Complete days the rates come from. */
  days: number;
}

/**
 * Mean daily spend of weekdays and of weekend days over `days` (the last 28 complete days; a day
 * without a row spent nothing). When one kind has no day in the history, the other's mean is used.
 */
export function seasonality(days: readonly DaySpend[], lastComplete: string, window = 28): Seasonality {
  const byDate = new Map<string, number>();
  for (const d of days) byDate.set(d.date, (byDate.get(d.date) ?? 0) + d.usd);
  const sums = { weekday: 0, weekend: 0, nWeekday: 0, nWeekend: 0 };
  const first = [...byDate.keys()].sort()[0];
  for (let i = 0; i < window; i++) {
    const date = addUtcDays(lastComplete, -i);
    if (first === undefined || date < first) break; // before the history starts: not a zero day
    const usd = byDate.get(date) ?? 0;
    if (isWeekend(date)) {
      sums.weekend += usd;
      sums.nWeekend += 1;
    } else {
      sums.weekday += usd;
      sums.nWeekday += 1;
    }
  }
  const weekday = sums.nWeekday > 0 ? sums.weekday / sums.nWeekday : null;
  const weekend = sums.nWeekend > 0 ? sums.weekend / sums.nWeekend : null;
  return {
    weekday: weekday ?? weekend ?? 0,
    weekend: weekend ?? weekday ?? 0,
    days: sums.nWeekday + sums.nWeekend,
  };
}

export function addUtcDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

interface TopupPlan {
  /** Spend expected from `now` until `until`. */
  needed: number;
  /** What to buy: needed − balance, never below 0. */
  buy: number;
  /** The UTC day the balance runs out without a top-up; null when nothing is burning or later than 10 years. */
  runsOut: string | null;
}

/** Spend at the day's rate from `from` to `to`, day piece by day piece (partial days count their share). */
function spendBetween(rate: (date: string) => number, from: number, to: number): number {
  let total = 0;
  for (let t = from; t < to; ) {
    const date = new Date(t).toISOString().slice(0, 10);
    const end = Math.min(to, Date.parse(`${date}T00:00:00Z`) + DAY_MS);
    total += (rate(date) * (end - t)) / DAY_MS;
    t = end;
  }
  return total;
}

/**
 * The plan to last from `now` until `until`, and the run-out day without a top-up.
 * @example planTopup({ balance: 10, rates: { weekday: 5, weekend: 1, days: 28 }, now, until })
 */
export function planTopup(p: { balance: number; rates: Seasonality; now: Date; until: Date }): TopupPlan {
  const rate = (date: string) => (isWeekend(date) ? p.rates.weekend : p.rates.weekday);
  const needed = spendBetween(rate, p.now.getTime(), p.until.getTime());
  let runsOut: string | null = null;
  if (p.balance <= 0) runsOut = p.now.toISOString().slice(0, 10);
  else if (p.rates.weekday > 0 || p.rates.weekend > 0) {
    let left = p.balance;
    let t = p.now.getTime();
    for (let i = 0; i <= MAX_RUNOUT_DAYS; i++) {
      const date = new Date(t).toISOString().slice(0, 10);
      const end = Date.parse(`${date}T00:00:00Z`) + DAY_MS;
      left -= spendBetween(rate, t, end);
      if (left < 0) {
        runsOut = date;
        break;
      }
      t = end;
    }
  }
  return { needed, buy: Math.max(0, needed - p.balance), runsOut };
}

/** The answer to {@link parseTopupTarget}: until when, in words and as an instant, or what was wrong. */
type TopupTarget = { ok: true; until: Date; label: string } | { ok: false; reason: string };

/**
 * Reads `topup [days|date]`: nothing (30 days), a number of days (`14`, `14d`; 1–366 days from now)
 * or a UTC date `YYYY-MM-DD` after today and at most 366 days ahead (through the end of that day).
 */
export function parseTopupTarget(text: string | undefined, now: Date): TopupTarget {
  const today = now.toISOString().slice(0, 10);
  const raw = (text ?? '').trim();
  const fail = (why: string): TopupTarget => ({
    ok: false,
    reason: `${why} Try: topup 30 or topup ${addUtcDays(today, 30)}`,
  });
  const inDays = (n: number): TopupTarget => ({
    ok: true,
    until: new Date(now.getTime() + n * DAY_MS),
    label: `${n} day${n === 1 ? '' : 's'} (until ${addUtcDays(today, n)})`,
  });
  if (raw === '') return inDays(30);
  const shown = raw.slice(0, 20).replace(/[^\w .:-]/g, '?');
  const days = /^(\d{1,9})\s*(?:d|days?)?$/i.exec(raw);
  if (days) {
    const n = Number(days[1]);
    if (n < 1) return fail('Give at least 1 day.');
    if (n > MAX_TOPUP_DAYS) return fail(`"${shown}" is too far: at most ${MAX_TOPUP_DAYS} days ahead.`);
    return inDays(n);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const ms = Date.parse(`${raw}T00:00:00Z`);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== raw)
      return fail(`"${shown}" is not a real date.`);
    if (raw <= today) return fail(`${raw} is not in the future (today is ${today} UTC).`);
    if (ms - Date.parse(`${today}T00:00:00Z`) > MAX_TOPUP_DAYS * DAY_MS)
      return fail(`${raw} is too far: at most ${MAX_TOPUP_DAYS} days ahead.`);
    return { ok: true, until: new Date(ms + DAY_MS), label: `through ${raw} (UTC)` };
  }
  return fail(`"${shown}" is not a number of days or a date (YYYY-MM-DD).`);
}
