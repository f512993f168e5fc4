/**
 * When weekly digests are due, and which window each covers. A subscription is a weekday, a local
 * time and an IANA zone; croner does the calendar arithmetic (time zones, DST). The window of a
 * digest due at instant T is the 7 completed UTC days before T's UTC date: `[date(T) − 7, date(T))`,
 * because OpenRouter publishes activity per completed UTC day.
 *
 * DST follows croner (as Vixie cron): a local time skipped by spring-forward runs at the first valid
 * time after the gap, that same day (02:30 → 03:00); a local time that occurs twice runs once, at the
 * first occurrence. {@link scheduledAt} does the same with `Intl`.
 * @module
 */
import { Cron } from 'croner';

/** A weekly digest schedule (a subscription row satisfies it). */
export interface Schedule {
  /** 0 = Sunday … 6 = Saturday, as cron counts. */
  weekday: number;
  /** `HH:MM`, local to `timezone`. */
  time: string;
  /** An IANA zone, e.g. `Europe/Berlin`. */
  timezone: string;
}

/** Half-open range of UTC dates `[from, to)`, `YYYY-MM-DD`. */
export interface DayWindow {
  from: string;
  to: string;
}

/** One scheduled occurrence of a digest and the window it reports. */
export interface Due {
  dueAt: Date;
  /** First UTC date of the window: the UTC date of `dueAt` − 7 days. */
  windowStart: string;
  /** The UTC date of `dueAt`, exclusive. */
  windowEnd: string;
  /** `${windowStart}/${windowEnd}`, unique per subscription and window. */
  key: string;
  /** `{ from: windowStart, to: windowEnd }`. */
  window: DayWindow;
  /** Older occurrences after `notBefore` that were never sent and will not be (downtime); 0 normally. */
  missed: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const TIME = /^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$/i;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** IANA names only (`Area/City`, `UTC`, `Etc/GMT+5`): no bare offsets, which croner does not take. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
/** Index = `Date#getUTCDay()` (0 = Sunday), as stored. */
export const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
const WEEKDAY_WORD = /^([a-z]+?)(?:s|\.)?$/;

/** A token that {@link parseTime} reads (`9:00`, `17h30`, `5:30pm`); for telling it apart in command text. */
export const TIME_TOKEN = TIME;
/** A token that can be an IANA zone name ({@link normalizeTimeZone} decides if it is one). */
export const ZONE_TOKEN = ZONE_NAME;
/** A token that names a weekday as {@link parseWeekday} reads it: 2+ letters of a name, `s` or `.` after. */
export const WEEKDAY_TOKEN = new RegExp(
  `^(?:${WEEKDAY_NAMES.map((d) => d.slice(0, 2) + [...d.slice(2)].reduceRight((rest, c) => `(?:${c}${rest})?`, '')).join('|')})(?:s|\\.)?$`,
  'i',
);

function checked(s: Schedule): { hour: number; minute: number; weekday: number } {
  const m = HH_MM.exec(s.time);
  if (!m) throw new RangeError(`digest time must be HH:MM, got ${JSON.stringify(s.time.slice(0, 20))}`);
  if (!Number.isInteger(s.weekday) || s.weekday < 0 || s.weekday > 7) {
    throw new RangeError(`digest weekday must be 0 (Sunday) to 6, got ${s.weekday}`);
  }
  if (!isValidTimeZone(s.timezone))
    throw new RangeError(`unknown time zone ${JSON.stringify(s.timezone.slice(0, 64))}`);
  return { hour: Number(m[1]), minute: Number(m[2]), weekday: s.weekday % 7 };
}

function withCron<T>(s: Schedule, use: (c: Cron) => T): T {
  const { hour, minute, weekday } = checked(s);
  const c = new Cron(`${minute} ${hour} * * ${weekday}`, { timezone: s.timezone, paused: true });
  try {
    return use(c);
  } finally {
    c.stop();
  }
}

/** The window a digest due at `dueAt` covers: the 7 UTC days before its UTC date. */
export function windowFor(dueAt: Date): DayWindow {
  const to = Math.floor(dueAt.getTime() / DAY_MS) * DAY_MS;
  return { from: new Date(to - 7 * DAY_MS).toISOString().slice(0, 10), to: new Date(to).toISOString().slice(0, 10) };
}

function due(dueAt: Date, missed: number): Due {
  const window = windowFor(dueAt);
  return { dueAt, windowStart: window.from, windowEnd: window.to, key: `${window.from}/${window.to}`, window, missed };
}

/** Occurrences strictly between `after` and `latest` (weekly, so DST shifts of hours round away). */
function between(c: Cron, after: Date, latest: Date): number {
  const first = c.nextRun(after);
  if (!first || first.getTime() >= latest.getTime()) return 0;
  return Math.round((latest.getTime() - first.getTime()) / WEEK_MS);
}

/**
 * The first occurrence strictly after `after` (an occurrence exactly at `after` is not next).
 * Returns the whole {@link Due}; take `.dueAt` for the instant.
 */
export function nextDue(s: Schedule, after: Date): Due {
  return withCron(s, (c) => {
    const next = c.nextRun(after);
    if (!next) throw new RangeError(`no next run for ${s.weekday} ${s.time} ${s.timezone}`);
    return due(next, 0);
  });
}

/**
 * The newest occurrence in `(notBefore, now]`, or null. `notBefore` is the subscription time or the
 * last settled delivery, so the first digest is the first one due after subscribing (one due at the
 * very instant of subscribing does not count), and after downtime only the newest missed window is
 * returned, with how many older ones were skipped in `missed`. Constant work however old `notBefore` is.
 */
export function latestDue(s: Schedule, now: Date, notBefore: Date): Due | null {
  return withCron(s, (c) => {
    // previousRuns excludes a run exactly at the reference: look from 1 ms later so `≤ now` holds.
    const [latest] = c.previousRuns(1, new Date(now.getTime() + 1));
    if (!latest || latest.getTime() > now.getTime() || latest.getTime() <= notBefore.getTime()) return null;
    return due(latest, between(c, notBefore, latest));
  });
}

/**
 * How many windows after the one sent at `lastSentDueAt` were skipped and will never be sent: the
 * occurrences in `(lastSentDueAt, now]` except the newest, which is still to send. 0 when on time.
 */
export function missedCount(s: Schedule, lastSentDueAt: Date, now: Date): number {
  return latestDue(s, now, lastSentDueAt)?.missed ?? 0;
}

function parseLocalDate(localDate: string): [number, number, number] {
  const m = LOCAL_DATE.exec(localDate);
  const [y, mo, d] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (!m || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) {
    throw new RangeError(`expected a YYYY-MM-DD date, got ${JSON.stringify(localDate.slice(0, 20))}`);
  }
  return [y, mo, d];
}

/** Formatters by zone: building one costs far more than using it (a memo, not state: output is the same). */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    FORMATTERS.set(zone, f);
  }
  return f;
}

/** Milliseconds `zone` is ahead of UTC at instant `t`. */
function offsetAt(zone: string, t: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(t));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return local - Math.floor(t / MINUTE_MS) * MINUTE_MS;
}

/**
 * The instant the schedule's local time falls on `localDate` (`YYYY-MM-DD` in the schedule's zone;
 * the weekday is not checked). A time skipped by spring-forward gives the end of the gap (as croner
 * runs it); a time that occurs twice gives the first.
 * @example scheduledAt({ weekday: 0, time: '02:30', timezone: 'America/New_York' }, '2026-03-08') // 07:00Z (03:00 EDT)
 */
export function scheduledAt(s: Schedule, localDate: string): Date {
  const { hour, minute } = checked(s);
  const [y, mo, d] = parseLocalDate(localDate);
  const wall = Date.UTC(y, mo - 1, d, hour, minute);
  const before = offsetAt(s.timezone, wall - DAY_MS);
  const after = offsetAt(s.timezone, wall + DAY_MS);
  const candidates = [wall - before, wall - after].filter((t) => t + offsetAt(s.timezone, t) === wall);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In a gap: the first minute whose offset is the later one is where local time resumes.
  let lo = Math.min(wall - before, wall - after);
  let hi = Math.max(wall - before, wall - after);
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetAt(s.timezone, mid) === after) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** `9:00`, `09:00`, `17:30`, `9am`, `5:30pm`, `17h30` → `HH:MM`; anything else (`24:00`, `9`) → null. */
export function parseTime(text: string): string | null {
  const m = TIME.exec(text.trim());
  if (!m || (m[2] === undefined && m[3] === undefined)) return null;
  let h = Number(m[1]);
  const min = Number(m[2] ?? '0');
  const meridiem = m[3]?.toLowerCase();
  if (meridiem) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** True for an IANA zone name this runtime knows (`Europe/Berlin`, `UTC`); bare offsets are refused. */
export function isValidTimeZone(zone: string): boolean {
  return normalizeTimeZone(zone) !== null;
}

/** The runtime's canonical spelling of an IANA zone (`europe/berlin` → `Europe/Berlin`), or null. */
export function normalizeTimeZone(zone: string): string | null {
  if (!zone || zone.length > 64 || !ZONE_NAME.test(zone)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** `mon`, `Monday`, `MO`, `tues`, `Thu.`, `mondays` → 1 … ; ambiguous (`t`, `s`) or unknown → null. */
export function parseWeekday(text: string): number | null {
  const m = WEEKDAY_WORD.exec(text.trim().toLowerCase());
  const word = m?.[1];
  if (!word || word.length < 2) return null;
  const i = WEEKDAY_NAMES.findIndex((d) => d.startsWith(word));
  return i < 0 ? null : i;
}
