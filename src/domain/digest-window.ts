/**
 * When weekly digests are due, and which window each covers. A subscription is a weekday, a local
 * time and an IANA zone; croner does the calendar arithmetic (time zones, DST). The window of a
 * digest due at instant T is the 7 completed UTC days before T's UTC date: `[date(T) − 7, date(T))`,
 * because OpenRouter publishes activity per completed UTC day.
 * @module
 */
import { Cron } from 'croner';

export interface Schedule {
  /** 0 = Sunday … 6 = Saturday, as cron counts. */
  weekday: number;
  /** `HH:MM`, local to `timezone`. */
  time: string;
  timezone: string;
}

/** Half-open range of UTC dates `[from, to)`, `YYYY-MM-DD`. */
export interface DayWindow {
  from: string;
  to: string;
}

export interface Due {
  dueAt: Date;
  window: DayWindow;
  /** `from/to`, unique per subscription and window. */
  key: string;
  /** Older due occurrences between `notBefore` and this one that were not sent (downtime). */
  missed: number;
}

const DAY_MS = 86_400_000;
const TIME = /^(\d{1,2}):(\d{2})$/;
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** Upper bound on occurrences walked (about 20 years of weeks). */
const MAX_STEPS = 1100;

function cron(s: Schedule): Cron {
  const [h, m] = s.time.split(':');
  return new Cron(`${Number(m)} ${Number(h)} * * ${s.weekday}`, { timezone: s.timezone, paused: true });
}

/** The window a digest due at `dueAt` covers. */
export function windowFor(dueAt: Date): DayWindow {
  const to = new Date(Date.UTC(dueAt.getUTCFullYear(), dueAt.getUTCMonth(), dueAt.getUTCDate()));
  return { from: new Date(to.getTime() - 7 * DAY_MS).toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

function due(dueAt: Date, missed: number): Due {
  const window = windowFor(dueAt);
  return { dueAt, window, key: `${window.from}/${window.to}`, missed };
}

/** The first occurrence strictly after `after`. */
export function nextDue(s: Schedule, after: Date): Due {
  const c = cron(s);
  try {
    const next = c.nextRun(after);
    if (!next) throw new Error(`no next run for ${s.weekday} ${s.time} ${s.timezone}`);
    return due(next, 0);
  } finally {
    c.stop();
  }
}

/**
 * The newest occurrence in `(notBefore, now]`, or null. `notBefore` is the subscription time or the
 * last settled delivery, so the first digest is the first one due after subscribing, and after
 * downtime only the newest missed window is returned (with how many were missed before it).
 */
export function latestDue(s: Schedule, now: Date, notBefore: Date): Due | null {
  const c = cron(s);
  try {
    let latest: Date | null = null;
    let count = 0;
    let cursor = c.nextRun(notBefore);
    for (let i = 0; cursor && cursor.getTime() <= now.getTime() && i < MAX_STEPS; i++) {
      latest = cursor;
      count += 1;
      cursor = c.nextRun(cursor);
    }
    return latest ? due(latest, count - 1) : null;
  } finally {
    c.stop();
  }
}

/** `9:00`, `09:00`, `17:30` → `HH:MM`; anything else → null. */
export function parseTime(text: string): string | null {
  const m = TIME.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${m[2]}`;
}

export function isValidTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `mon`, `Monday`, `MO` → 1; unknown → null. */
export function parseWeekday(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t.length < 2) return null;
  const i = WEEKDAY_NAMES.findIndex((d) => d.startsWith(t));
  return i < 0 ? null : i;
}
