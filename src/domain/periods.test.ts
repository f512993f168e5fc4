import { describe, expect, it } from 'vitest';
import {
  isPeriodName,
  PERIOD_NAMES,
  previousWindow,
  resolvePeriod,
  startOfUtcDay,
  utcDate,
  utcDays,
} from './periods.js';

const at = (iso: string) => new Date(iso);
const range = (w: { start: Date; end: Date }) => [w.start.toISOString(), w.end.toISOString()];

describe('resolvePeriod (UTC)', () => {
  const now = at('2026-11-26T10:30:00Z'); // a Thursday

  it('rolling periods are completed days ending at today midnight', () => {
    expect(range(resolvePeriod('7d', now))).toEqual(['2026-11-19T00:00:00.000Z', '2026-11-26T00:00:00.000Z']);
    expect(resolvePeriod('7d', now).label).toBe('7d: 2026-11-19 → 2026-11-25 (UTC, 7 complete days)');
    expect(range(resolvePeriod('30d', now))).toEqual(['2026-10-27T00:00:00.000Z', '2026-11-26T00:00:00.000Z']);
    expect(resolvePeriod('30d', now).complete).toBe(true);
  });

  it('today, yesterday, week and month', () => {
    expect(range(resolvePeriod('today', now))).toEqual(['2026-11-26T00:00:00.000Z', '2026-11-26T10:30:00.000Z']);
    expect(resolvePeriod('today', now).label).toBe('today: 2026-11-26 (UTC, until 10:30)');
    expect(resolvePeriod('today', now).complete).toBe(false);
    expect(range(resolvePeriod('yesterday', now))).toEqual(['2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z']);
    expect(range(resolvePeriod('week', now))).toEqual(['2026-11-23T00:00:00.000Z', '2026-11-26T10:30:00.000Z']);
    expect(range(resolvePeriod('last-week', now))).toEqual(['2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z']);
    expect(range(resolvePeriod('month', now))).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-26T10:30:00.000Z']);
    expect(range(resolvePeriod('last-month', now))).toEqual(['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
  });

  it('crosses the turn of the year and leap days', () => {
    const jan2 = at('2027-01-02T08:00:00Z');
    expect(range(resolvePeriod('7d', jan2))).toEqual(['2026-12-26T00:00:00.000Z', '2027-01-02T00:00:00.000Z']);
    expect(range(resolvePeriod('last-month', jan2))).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(range(resolvePeriod('week', jan2))).toEqual(['2026-12-28T00:00:00.000Z', '2027-01-02T08:00:00.000Z']);
    const mar1 = at('2028-03-01T00:00:00Z'); // exact midnight after a leap day
    expect(range(resolvePeriod('yesterday', mar1))).toEqual(['2028-02-29T00:00:00.000Z', '2028-03-01T00:00:00.000Z']);
    expect(range(resolvePeriod('last-month', mar1))).toEqual(['2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z']);
  });

  it('on a Monday the week so far starts today, and on a Sunday it started six days ago', () => {
    expect(resolvePeriod('week', at('2026-11-23T05:00:00Z')).start.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(resolvePeriod('week', at('2026-11-29T23:59:00Z')).start.toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });
});

describe('labels and edges', () => {
  it('labels calendar periods with the exact dates', () => {
    const now = at('2026-11-26T10:30:00Z');
    expect(resolvePeriod('week', now).label).toBe('week: 2026-11-23 → 2026-11-26 (UTC, until 10:30)');
    expect(resolvePeriod('last-week', now).label).toBe('last-week: 2026-11-16 → 2026-11-22 (UTC, 7 complete days)');
    expect(resolvePeriod('last-month', now).label).toBe('last-month: 2026-10-01 → 2026-10-31 (UTC, 31 complete days)');
    expect(resolvePeriod('yesterday', now).label).toBe('yesterday: 2026-11-25 (UTC, 1 complete day)');
    expect(resolvePeriod('last-week', now).complete).toBe(true);
    expect(resolvePeriod('month', now).complete).toBe(false);
  });

  it('at exact midnight on the 1st (a Monday), the so-far periods are empty and say so', () => {
    const now = at('2027-03-01T00:00:00Z'); // a Monday
    for (const name of ['today', 'week', 'month'] as const) {
      const w = resolvePeriod(name, now);
      expect(range(w)).toEqual(['2027-03-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z']);
      expect(w.label).toBe(`${name}: 2027-03-01 (UTC, nothing elapsed yet)`);
      expect(utcDays(w)).toEqual([]);
    }
    expect(resolvePeriod('7d', now).label).toBe('7d: 2027-02-22 → 2027-02-28 (UTC, 7 complete days)');
    expect(range(resolvePeriod('last-week', now))).toEqual(['2027-02-22T00:00:00.000Z', '2027-03-01T00:00:00.000Z']);
    expect(resolvePeriod('last-month', now).label).toBe('last-month: 2027-02-01 → 2027-02-28 (UTC, 28 complete days)');
  });

  it('one millisecond before midnight still belongs to the old day', () => {
    const now = at('2026-12-31T23:59:59.999Z');
    expect(utcDate(now)).toBe('2026-12-31');
    expect(startOfUtcDay(now).toISOString()).toBe('2026-12-31T00:00:00.000Z');
    expect(resolvePeriod('today', now).label).toBe('today: 2026-12-31 (UTC, until 23:59)');
    expect(range(resolvePeriod('month', now))[0]).toBe('2026-12-01T00:00:00.000Z');
  });

  it('30d spans a leap day', () => {
    const w = resolvePeriod('30d', at('2028-03-15T06:00:00Z'));
    expect(range(w)).toEqual(['2028-02-14T00:00:00.000Z', '2028-03-15T00:00:00.000Z']);
    expect(utcDays(w)).toHaveLength(30);
    expect(utcDays(w)).toContain('2028-02-29');
  });

  it('an ISO week that straddles the turn of the year', () => {
    const sunday = at('2027-01-03T18:00:00Z'); // Sunday of the week starting Monday 2026-12-28
    expect(resolvePeriod('week', sunday).label).toBe('week: 2026-12-28 → 2027-01-03 (UTC, until 18:00)');
    expect(range(resolvePeriod('last-week', sunday))).toEqual(['2026-12-21T00:00:00.000Z', '2026-12-28T00:00:00.000Z']);
  });

  it('knows its period names', () => {
    expect(isPeriodName('7d')).toBe(true);
    expect(isPeriodName('last-month')).toBe(true);
    expect(isPeriodName('7D')).toBe(false);
    expect(isPeriodName('fortnight')).toBe(false);
  });
});

describe('previousWindow', () => {
  const now = at('2026-03-10T12:00:00Z');
  it('shifts rolling windows back by their length', () => {
    const w = resolvePeriod('7d', now);
    expect(range(previousWindow(w))).toEqual(['2026-02-24T00:00:00.000Z', '2026-03-03T00:00:00.000Z']);
  });
  it('compares month-to-date with the same elapsed time of the previous month, clamped to its end', () => {
    const w = resolvePeriod('month', now);
    expect(range(previousWindow(w))).toEqual(['2026-02-01T00:00:00.000Z', '2026-02-10T12:00:00.000Z']);
    const late = resolvePeriod('month', at('2026-03-31T12:00:00Z'));
    expect(range(previousWindow(late))).toEqual(['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
  });
  it('maps last-month to the month before and weeks to the previous ISO week', () => {
    expect(range(previousWindow(resolvePeriod('last-month', at('2027-01-15T00:00:00Z'))))).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]);
    expect(range(previousWindow(resolvePeriod('week', now)))).toEqual([
      '2026-03-02T00:00:00.000Z',
      '2026-03-03T12:00:00.000Z',
    ]);
  });
  it('compares today so far with the same hours of yesterday', () => {
    const p = previousWindow(resolvePeriod('today', now));
    expect(range(p)).toEqual(['2026-03-09T00:00:00.000Z', '2026-03-09T12:00:00.000Z']);
    expect(p.label).toBe('previous: 2026-03-09 (UTC, until 12:00)');
    expect(range(previousWindow(resolvePeriod('yesterday', now)))).toEqual([
      '2026-03-08T00:00:00.000Z',
      '2026-03-09T00:00:00.000Z',
    ]);
  });
  it('maps month-to-date across a year end and into a leap February', () => {
    expect(range(previousWindow(resolvePeriod('month', at('2027-01-05T00:00:00Z'))))).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2026-12-05T00:00:00.000Z',
    ]);
    expect(range(previousWindow(resolvePeriod('month', at('2028-03-30T06:00:00Z'))))).toEqual([
      '2028-02-01T00:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
    ]);
    expect(range(previousWindow(resolvePeriod('month', at('2028-03-29T06:00:00Z'))))).toEqual([
      '2028-02-01T00:00:00.000Z',
      '2028-02-29T06:00:00.000Z',
    ]);
    expect(range(previousWindow(resolvePeriod('last-month', at('2028-03-10T00:00:00Z'))))).toEqual([
      '2028-01-01T00:00:00.000Z',
      '2028-02-01T00:00:00.000Z',
    ]);
  });
  it('shifts 30d and last-week back by their whole length, and labels the result', () => {
    const p = previousWindow(resolvePeriod('30d', now));
    expect(range(p)).toEqual(['2026-01-09T00:00:00.000Z', '2026-02-08T00:00:00.000Z']);
    expect(p.label).toBe('previous: 2026-01-09 → 2026-02-07 (UTC, 30 complete days)');
    expect(p.complete).toBe(true);
    expect(range(previousWindow(resolvePeriod('last-week', now)))).toEqual([
      '2026-02-23T00:00:00.000Z',
      '2026-03-02T00:00:00.000Z',
    ]);
  });
  it('every period has a previous window of the same kind of length', () => {
    for (const name of PERIOD_NAMES) {
      const w = resolvePeriod(name, now);
      const p = previousWindow(w);
      expect(p.end.getTime()).toBeLessThanOrEqual(w.start.getTime());
      expect(p.end.getTime() - p.start.getTime()).toBeLessThanOrEqual(
        w.end.getTime() - w.start.getTime() + 3 * 86_400_000,
      );
    }
  });
});

describe('utcDays', () => {
  it('lists the days a window touches', () => {
    expect(utcDays(resolvePeriod('7d', at('2026-01-03T00:00:00Z')))).toEqual([
      '2025-12-27',
      '2025-12-28',
      '2025-12-29',
      '2025-12-30',
      '2025-12-31',
      '2026-01-01',
      '2026-01-02',
    ]);
    expect(utcDays(resolvePeriod('today', at('2026-01-03T09:00:00Z')))).toEqual(['2026-01-03']);
    expect(utcDate(at('2026-12-31T23:59:59Z'))).toBe('2026-12-31');
  });
});
