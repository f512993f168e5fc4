/**
 * Report periods, all in UTC. OpenRouter publishes activity per completed UTC day, so rolling
 * periods (`7d`, `30d`) are made of completed days, and "so far" periods end now.
 * @module
 */

export const PERIOD_NAMES = ['today', 'yesterday', '7d', '30d', 'week', 'last-week', 'month', 'last-month'] as const;
export type PeriodName = (typeof PERIOD_NAMES)[number];

const DAY_MS = 86_400_000;

/** A half-open UTC interval `[start, end)`. */
export interface Window {
  name: PeriodName | 'previous';
  start: Date;
  end: Date;
  /** Names the exact window, e.g. `7d: 2026-11-19 → 2026-11-25 (UTC, 7 complete days)`. */
  label: string;
  /** True when the window ends at or before today's UTC midnight (every day in it is complete). */
  complete: boolean;
}

export function isPeriodName(s: string): s is PeriodName {
  return (PERIOD_NAMES as readonly string[]).includes(s);
}

/** `YYYY-MM-DD` of the UTC day containing `d`. */
export function utcDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

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

function label(name: string, start: Date, end: Date): string {
  const lastDay = utcDate(new Date(end.getTime() - 1));
  const first = utcDate(start);
  const span = end.getTime() - start.getTime();
  const wholeDays = span % DAY_MS === 0 && end.getTime() === startOfUtcDay(end).getTime();
  const range = first === lastDay ? first : `${first} → ${lastDay}`;
  if (wholeDays) {
    const days = span / DAY_MS;
    return `${name}: ${range} (UTC, ${days} complete day${days === 1 ? '' : 's'})`;
  }
  return `${name}: ${range} (UTC, until ${end.toISOString().slice(11, 16)})`;
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
 * The previous equal period: rolling windows shift back by their length; calendar periods map to
 * the previous calendar unit (truncated to the same elapsed time for "so far" periods).
 */
export function previousWindow(w: Window): Window {
  const length = w.end.getTime() - w.start.getTime();
  const now = w.end;
  switch (w.name) {
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
