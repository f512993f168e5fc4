/**
 * Burn rate and runway from daily spend. Pure: time is a parameter.
 * @module
 */

const DAY_MS = 86_400_000;

export interface BurnRate {
  /** Average USD per day over the span. */
  perDay: number;
  /** Days in the span (missing days count as zero spend). */
  days: number;
  total: number;
}

/**
 * Average daily spend over the `days` completed days ending at `until` (exclusive, `YYYY-MM-DD`),
 * by default the day after the newest date present.
 */
export function burnRate(
  daily: readonly { date: string; usd: number }[],
  opts: { days?: number; until?: string } = {},
): BurnRate {
  const days = opts.days ?? 7;
  const newest = daily.reduce<string | undefined>(
    (max, d) => (max === undefined || d.date > max ? d.date : max),
    undefined,
  );
  if (!newest && !opts.until) return { perDay: 0, days, total: 0 };
  const until = opts.until ?? new Date(Date.parse(`${newest}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${until}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
  const total = daily.filter((d) => d.date >= from && d.date < until).reduce((s, d) => s + d.usd, 0);
  return { perDay: total / days, days, total };
}

/** Days until the balance reaches zero at `burnPerDay`, and that date. No burn: no run-out. */
export function runway(
  balance: number,
  burnPerDay: number,
  now: Date,
): { days: number | null; runOutDate: Date | null } {
  if (balance <= 0) return { days: 0, runOutDate: now };
  if (!(burnPerDay > 0)) return { days: null, runOutDate: null };
  const days = balance / burnPerDay;
  return { days, runOutDate: new Date(now.getTime() + days * DAY_MS) };
}
