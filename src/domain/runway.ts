/**
 * Burn rate and runway from daily spend. Pure: time is a parameter.
 * @module
 */

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The latest instant a `Date` can hold (±8.64e15 ms). */
const MAX_DATE_MS = 8.64e15;

export interface BurnRate {
  /** Average USD per day over the span. */
  perDay: number;
  /** Days in the span (missing days count as zero spend). */
  days: number;
  /** USD spent in the span. */
  total: number;
}

export interface Runway {
  /** Days until the balance reaches zero; 0 when it already has; null when nothing is burning. */
  days: number | null;
  /** When it reaches zero (`now` when it already has); null when nothing is burning. */
  runOutDate: Date | null;
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Average daily spend over the `days` (default 7) completed UTC days ending at `until` (exclusive,
 * `YYYY-MM-DD`), by default the day after the newest date present. Missing days inside the span count
 * as zero; several rows for one date add up; rows with a malformed date or a non-finite amount are
 * ignored. Callers that know today's date should pass `until` (today), so that days without any
 * activity at the end of the span count as zero instead of moving the span back.
 * @example burnRate([{ date: '2026-12-31', usd: 14 }]) // { perDay: 2, days: 7, total: 14 }
 */
export function burnRate(
  daily: readonly { date: string; usd: number }[],
  opts: { days?: number; until?: string } = {},
): BurnRate {
  const requested = opts.days ?? 7;
  const days = Number.isFinite(requested) ? Math.max(1, Math.floor(requested)) : 7;
  const rows = daily.filter((d) => ISO_DATE.test(d.date) && Number.isFinite(d.usd));
  const newest = rows.reduce<string | undefined>(
    (max, d) => (max === undefined || d.date > max ? d.date : max),
    undefined,
  );
  const until = opts.until !== undefined && ISO_DATE.test(opts.until) ? opts.until : newest && shiftDate(newest, 1);
  if (!until) return { perDay: 0, days, total: 0 };
  const from = shiftDate(until, -days);
  const total = rows.filter((d) => d.date >= from && d.date < until).reduce((s, d) => s + d.usd, 0);
  return { perDay: total / days, days, total };
}

/**
 * Days until `balance` reaches zero at `burnPerDay`, and that instant. A balance at or under zero has
 * run out now (0 days); no burn (≤ 0, or not a number) means no run-out (null). A run-out too far
 * away for a `Date` keeps its days but has no date.
 * @example runway(30, 3, new Date('2026-12-25T00:00Z')) // { days: 10, runOutDate: 2027-01-04T00:00Z }
 */
export function runway(balance: number, burnPerDay: number, now: Date): Runway {
  if (Number.isNaN(balance)) return { days: null, runOutDate: null };
  if (balance <= 0) return { days: 0, runOutDate: now };
  if (!(burnPerDay > 0) || !Number.isFinite(burnPerDay) || !Number.isFinite(balance)) {
    return { days: null, runOutDate: null };
  }
  const days = balance / burnPerDay;
  const at = now.getTime() + days * DAY_MS;
  return { days, runOutDate: Math.abs(at) <= MAX_DATE_MS ? new Date(at) : null };
}
