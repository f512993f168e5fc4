import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import {
  isValidTimeZone,
  latestDue,
  missedCount,
  nextDue,
  normalizeTimeZone,
  parseTime,
  parseWeekday,
  type Schedule,
  scheduledAt,
  windowFor,
} from './digest-window.js';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const mondayNine: Schedule = { weekday: 1, time: '09:00', timezone: 'UTC' };

describe('digest windows', () => {
  it('covers the 7 completed UTC days before the due date', () => {
    expect(windowFor(at('2026-11-30T09:00:00Z'))).toEqual({ from: '2026-11-23', to: '2026-11-30' });
    expect(windowFor(at('2026-11-30T00:00:00Z'))).toEqual({ from: '2026-11-23', to: '2026-11-30' });
    expect(windowFor(at('2026-11-30T23:59:59.999Z'))).toEqual({ from: '2026-11-23', to: '2026-11-30' });
  });

  it('across the turn of the year', () => {
    const d = nextDue({ weekday: 5, time: '09:00', timezone: 'UTC' }, at('2026-12-31T12:00:00Z'));
    expect(iso(d.dueAt)).toBe('2027-01-01T09:00:00.000Z');
    expect([d.windowStart, d.windowEnd, d.key]).toEqual(['2026-12-25', '2027-01-01', '2026-12-25/2027-01-01']);
    // Monday 08:00 in Auckland (UTC+13 in summer) is still Sunday in UTC.
    const nz = nextDue({ weekday: 1, time: '08:00', timezone: 'Pacific/Auckland' }, at('2027-01-01T00:00:00Z'));
    expect(iso(nz.dueAt)).toBe('2027-01-03T19:00:00.000Z');
    expect(nz.key).toBe('2026-12-27/2027-01-03');
  });
});

describe('latestDue and nextDue', () => {
  it('the first digest is the first one due after subscribing', () => {
    const subscribed = at('2026-11-30T09:00:00.500Z'); // just after Monday's 09:00
    expect(latestDue(mondayNine, at('2026-11-30T09:00:01Z'), subscribed)).toBeNull();
    expect(latestDue(mondayNine, at('2026-12-07T08:59:59.999Z'), subscribed)).toBeNull();
    expect(iso(nextDue(mondayNine, subscribed).dueAt)).toBe('2026-12-07T09:00:00.000Z');
    const d = latestDue(mondayNine, at('2026-12-07T09:00:00Z'), subscribed);
    expect(iso(d?.dueAt)).toBe('2026-12-07T09:00:00.000Z');
    expect(d).toMatchObject({ windowStart: '2026-11-30', windowEnd: '2026-12-07', key: '2026-11-30/2026-12-07' });
    expect(d?.window).toEqual({ from: '2026-11-30', to: '2026-12-07' });
    expect(d?.missed).toBe(0);
  });

  it('is exact at the boundaries: due at now counts, due at notBefore does not', () => {
    const due = at('2026-12-07T09:00:00Z');
    expect(iso(latestDue(mondayNine, due, at('2026-12-07T08:59:59Z'))?.dueAt)).toBe(iso(due));
    expect(latestDue(mondayNine, at('2026-12-07T12:00:00Z'), due)).toBeNull();
    expect(iso(nextDue(mondayNine, due).dueAt)).toBe('2026-12-14T09:00:00.000Z');
    expect(iso(nextDue(mondayNine, at('2026-12-07T08:59:59.999Z')).dueAt)).toBe(iso(due));
  });

  it('after three missed weeks returns only the newest, counting the two older ones as missed', () => {
    const lastSent = at('2026-11-30T09:00:00Z');
    const now = at('2026-12-22T10:00:00Z'); // 7, 14 and 21 December were due
    const d = latestDue(mondayNine, now, lastSent);
    expect(iso(d?.dueAt)).toBe('2026-12-21T09:00:00.000Z');
    expect(d?.key).toBe('2026-12-14/2026-12-21');
    expect(d?.missed).toBe(2);
    expect(missedCount(mondayNine, lastSent, now)).toBe(2);
    expect(missedCount(mondayNine, lastSent, at('2026-12-07T09:30:00Z'))).toBe(0);
    expect(missedCount(mondayNine, at('2026-12-21T09:00:00Z'), now)).toBe(0);
  });

  it('does constant work and still finds the newest occurrence after years of downtime', () => {
    const d = latestDue(mondayNine, at('2026-12-22T10:00:00Z'), at('2000-01-01T00:00:00Z'));
    expect(iso(d?.dueAt)).toBe('2026-12-21T09:00:00.000Z');
    expect(d?.missed).toBe(1407); // Mondays from 2000-01-03 to 2026-12-14
  });

  it('counts missed weeks across DST changes', () => {
    const berlin: Schedule = { weekday: 1, time: '09:00', timezone: 'Europe/Berlin' };
    // From the last CET Monday before spring to the first after autumn: 32 Mondays in between.
    const d = latestDue(berlin, at('2026-11-02T09:00:00Z'), at('2026-03-23T08:00:00Z'));
    expect(iso(d?.dueAt)).toBe('2026-11-02T08:00:00.000Z');
    expect(d?.missed).toBe(31);
  });
});

describe('time zones and DST', () => {
  it('follows local time across DST changes in Berlin and New York', () => {
    const berlin: Schedule = { weekday: 1, time: '09:00', timezone: 'Europe/Berlin' };
    expect(iso(nextDue(berlin, at('2026-03-20T00:00:00Z')).dueAt)).toBe('2026-03-23T08:00:00.000Z'); // CET
    expect(iso(nextDue(berlin, at('2026-03-25T00:00:00Z')).dueAt)).toBe('2026-03-30T07:00:00.000Z'); // CEST
    expect(iso(nextDue(berlin, at('2026-10-20T00:00:00Z')).dueAt)).toBe('2026-10-26T08:00:00.000Z'); // CET again
    const ny: Schedule = { weekday: 0, time: '09:00', timezone: 'America/New_York' };
    expect(iso(nextDue(ny, at('2026-10-20T00:00:00Z')).dueAt)).toBe('2026-10-25T13:00:00.000Z'); // EDT
    expect(iso(nextDue(ny, at('2026-10-30T00:00:00Z')).dueAt)).toBe('2026-11-01T14:00:00.000Z'); // EST
  });

  it('a 02:30 skipped by spring-forward in New York runs once, at 03:00 EDT, that same Sunday', () => {
    const sub: Schedule = { weekday: 0, time: '02:30', timezone: 'America/New_York' };
    const d = nextDue(sub, at('2026-03-07T12:00:00Z')); // 2026-03-08 02:00 → 03:00
    expect(iso(d.dueAt)).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(scheduledAt(sub, '2026-03-08'))).toBe('2026-03-08T07:00:00.000Z');
    expect(d.key).toBe('2026-03-01/2026-03-08');
    expect(iso(nextDue(sub, d.dueAt).dueAt)).toBe('2026-03-15T06:30:00.000Z');
    expect(latestDue(sub, at('2026-03-08T06:59:59Z'), at('2026-03-07T12:00:00Z'))).toBeNull();
    expect(iso(latestDue(sub, at('2026-03-14T00:00:00Z'), at('2026-03-07T12:00:00Z'))?.dueAt)).toBe(iso(d.dueAt));
  });

  it('a skipped time in Berlin likewise', () => {
    const sub: Schedule = { weekday: 0, time: '02:30', timezone: 'Europe/Berlin' };
    expect(iso(nextDue(sub, at('2026-03-28T12:00:00Z')).dueAt)).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(iso(scheduledAt(sub, '2026-03-29'))).toBe('2026-03-29T01:00:00.000Z');
  });

  it('a 01:30 that occurs twice at fall-back runs once, at the first', () => {
    const sub: Schedule = { weekday: 0, time: '01:30', timezone: 'America/New_York' };
    expect(iso(nextDue(sub, at('2026-10-31T12:00:00Z')).dueAt)).toBe('2026-11-01T05:30:00.000Z'); // EDT
    expect(iso(scheduledAt(sub, '2026-11-01'))).toBe('2026-11-01T05:30:00.000Z');
    expect(latestDue(sub, at('2026-11-01T07:00:00Z'), at('2026-11-01T05:30:00Z'))).toBeNull();
    expect(iso(nextDue(sub, at('2026-11-01T05:30:00Z')).dueAt)).toBe('2026-11-08T06:30:00.000Z');
  });

  it('handles Asia/Kolkata, where Monday 03:00 is Sunday in UTC', () => {
    const kolkata: Schedule = { weekday: 1, time: '03:00', timezone: 'Asia/Kolkata' };
    const d = nextDue(kolkata, at('2026-11-28T00:00:00Z'));
    expect(iso(d.dueAt)).toBe('2026-11-29T21:30:00.000Z');
    expect(d.window).toEqual({ from: '2026-11-22', to: '2026-11-29' });
    expect(iso(scheduledAt(kolkata, '2026-11-30'))).toBe('2026-11-29T21:30:00.000Z');
  });

  it('scheduledAt agrees with croner every day around the DST changes of several zones', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Adelaide', 'UTC'];
    for (const timezone of zones) {
      const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: timezone });
      for (const time of ['00:30', '02:30', '09:00', '23:45']) {
        const [h, m] = time.split(':');
        const cron = new Cron(`${Number(m)} ${Number(h)} * * *`, { timezone, paused: true });
        const runs = [
          ...cron.nextRuns(40, at('2026-03-01T00:00:00Z')),
          ...cron.nextRuns(40, at('2026-10-01T00:00:00Z')),
        ];
        for (const run of runs) {
          const localDate = localDay.format(run);
          expect(iso(scheduledAt({ weekday: 0, time, timezone }, localDate)), `${timezone} ${time} ${localDate}`).toBe(
            iso(run),
          );
        }
      }
    }
  });

  it('refuses malformed schedules and dates with a clear error', () => {
    expect(() => nextDue({ weekday: 9, time: '09:00', timezone: 'UTC' }, at('2026-01-01T00:00:00Z'))).toThrow(
      /weekday/,
    );
    expect(() => nextDue({ weekday: 1, time: '9am', timezone: 'UTC' }, at('2026-01-01T00:00:00Z'))).toThrow(/HH:MM/);
    expect(() => nextDue({ weekday: 1, time: '09:00', timezone: 'Mars/Olympus' }, at('2026-01-01T00:00:00Z'))).toThrow(
      /time zone/,
    );
    expect(() => scheduledAt(mondayNine, '2026-02-30')).toThrow(/YYYY-MM-DD/);
    expect(iso(nextDue({ weekday: 7, time: '09:00', timezone: 'UTC' }, at('2026-11-30T00:00:00Z')).dueAt)).toBe(
      '2026-12-06T09:00:00.000Z',
    );
  });
});

describe('parsing', () => {
  it('parses times', () => {
    expect(parseTime('9:00')).toBe('09:00');
    expect(parseTime('09:00')).toBe('09:00');
    expect(parseTime('17:30')).toBe('17:30');
    expect(parseTime(' 0:05 ')).toBe('00:05');
    expect(parseTime('9am')).toBe('09:00');
    expect(parseTime('12am')).toBe('00:00');
    expect(parseTime('12pm')).toBe('12:00');
    expect(parseTime('5:30 PM')).toBe('17:30');
    expect(parseTime('17h30')).toBe('17:30');
    for (const bad of ['24:00', '9', '9:5', '13pm', '0am', 'nine', '9:60', '', '09:00:00'])
      expect(parseTime(bad)).toBeNull();
  });

  it('parses weekdays', () => {
    expect(parseWeekday('Mon')).toBe(1);
    expect(parseWeekday('monday')).toBe(1);
    expect(parseWeekday('MONDAYS')).toBe(1);
    expect(parseWeekday('mo')).toBe(1);
    expect(parseWeekday('tues')).toBe(2);
    expect(parseWeekday('Thu.')).toBe(4);
    expect(parseWeekday('thurs')).toBe(4);
    expect(parseWeekday('sunday')).toBe(0);
    expect(parseWeekday('sat')).toBe(6);
    for (const bad of ['x', 't', 's', 'mondayz', 'lundi', '1', '']) expect(parseWeekday(bad)).toBeNull();
  });

  it('knows IANA zones and refuses offsets and junk', () => {
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isValidTimeZone('Etc/GMT+5')).toBe(true);
    for (const bad of ['Mars/Olympus', '', '+05:30', 'Europe/Berlin; DROP', 'x'.repeat(100)]) {
      expect(isValidTimeZone(bad)).toBe(false);
    }
    expect(normalizeTimeZone('europe/berlin')).toBe('Europe/Berlin');
  });
});
