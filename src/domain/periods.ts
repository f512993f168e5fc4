/**
 * Report periods, all in UTC. OpenRouter publishes activity per completed UTC day, so rolling
 * periods (`7d`, `30d`) are made of completed days, and "so far" periods end now.
 * @module
 */

export const PERIOD_NAMES = ['today', 'yesterday', '7d', '30d', 'week', 'last-week', 'month', 'last-month'] as const;
export type PeriodName = (typeof PERIOD_NAMES)[number];

const DAY_MS = 86_400_000;

/** A half-open UTC interval `[start, end)` that a period names at some instant. */
export interface Window {
  name: PeriodName | 'previous';
  start: Date;
  end: Date;
  /** Names the exact window, e.g. `7d: 2026-11-19 → 2026-11-25 (UTC, 7 complete days)`. */
  label: string;
  /** True when the window ends at or before today's UTC midnight (every day in it is complete). */
  complete: boolean;
}

/** True when `s` is one of {@link PERIOD_NAMES} (case-sensitive; callers lower-case user input). */
export function isPeriodName(s: string): s is PeriodName {
  return (PERIOD_NAMES as readonly string[]).includes(s);
}

/** `YYYY-MM-DD` of the UTC day containing `d`. */
export function utcDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Midnight UTC of the day containing `d`. */
export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

function startOfIsoWeek(d: Date): Date {
  const day = startOfUtcDay(d);
  const offset = (day.getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -offset);
}

function startOfMonth(d: Date, monthsBack = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - monthsBack, 1));
}

function hhmm(d: Date): string {
  return d.toISOString().slice(11, 16);
}

function isMidnight(d: Date): boolean {
  return d.getTime() % DAY_MS === 0;
}

function label(name: string, start: Date, end: Date): string {
  const first = utcDate(start);
  if (end.getTime() <= start.getTime()) return `${name}: ${first} (UTC, nothing elapsed yet)`;
  const lastDay = utcDate(new Date(end.getTime() - 1));
  const range = first === lastDay ? first : `${first} → ${lastDay}`;
  if (isMidnight(start) && isMidnight(end)) {
    const days = Math.round((end.getTime() - start.getTime()) / DAY_MS);
    return `${name}: ${range} (UTC, ${days} complete day${days === 1 ? '' : 's'})`;
  }
  const from = isMidnight(start) ? '' : `from ${hhmm(start)} `;
  const until = isMidnight(end) ? '24:00' : hhmm(end);
  return `${name}: ${range} (UTC, ${from}until ${until})`;
}

function make(name: Window['name'], start: Date, end: Date, now: Date): Window {
  return {
    name,
    start,
    end,
    label: label(name, start, end),
    complete: end.getTime() <= startOfUtcDay(now).getTime(),
  };
}

/**
 * The window a period names, at `now`.
 * @example resolvePeriod('7d', new Date('2026-11-26T10:00Z')).label // '7d: 2026-11-19 → 2026-11-25 (UTC, 7 complete days)'
 */
export function resolvePeriod(name: PeriodName, now: Date): Window {
  const today = startOfUtcDay(now);
  switch (name) {
    case 'today':
      return make(name, today, now, now);
    case 'yesterday':
      return make(name, addDays(today, -1), today, now);
    case '7d':
      return make(name, addDays(today, -7), today, now);
    case '30d':
      return make(name, addDays(today, -30), today, now);
    case 'week':
      return make(name, startOfIsoWeek(now), now, now);
    case 'last-week': {
      const thisWeek = startOfIsoWeek(now);
      return make(name, addDays(thisWeek, -7), thisWeek, now);
    }
    case 'month':
      return make(name, startOfMonth(now), now, now);
    case 'last-month':
      return make(name, startOfMonth(now, 1), startOfMonth(now), now);
  }
}

/**
 * The previous equal period, named `previous`: rolling windows (`7d`, `30d`, `yesterday`) shift back
 * by their length; "so far" periods map to the previous calendar unit truncated to the same elapsed
 * time (`today` → the same hours of yesterday, `week` → the same part of last ISO week, `month` →
 * the same elapsed time from the 1st of last month, clamped to that month's end); `last-week` and
 * `last-month` map to the week or month before.
 * @example previousWindow(resolvePeriod('month', new Date('2026-03-31T12:00Z'))) // 2026-02-01 → 2026-03-01
 */
export function previousWindow(w: Window): Window {
  const length = w.end.getTime() - w.start.getTime();
  const now = w.end;
  switch (w.name) {
    case 'today':
      return make('previous', addDays(w.start, -1), addDays(w.end, -1), now);
    case 'week':
    case 'last-week':
      return make('previous', addDays(w.start, -7), new Date(w.end.getTime() - 7 * DAY_MS), now);
    case 'month': {
      const prevStart = startOfMonth(w.start, 1);
      const prevEnd = new Date(Math.min(prevStart.getTime() + length, w.start.getTime()));
      return make('previous', prevStart, prevEnd, now);
    }
    case 'last-month':
      return make('previous', startOfMonth(w.start, 1), w.start, now);
    default:
      return make('previous', new Date(w.start.getTime() - length), w.start, now);
  }
}

/** Every UTC date the window touches, in order (the end is exclusive). */
export function utcDays(w: Pick<Window, 'start' | 'end'>): string[] {
  const days: string[] = [];
  for (let d = startOfUtcDay(w.start); d.getTime() < w.end.getTime(); d = addDays(d, 1)) days.push(utcDate(d));
  return days;
}
