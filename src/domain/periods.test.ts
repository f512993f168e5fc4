import { describe, expect, it } from 'vitest';
import { PERIOD_NAMES, previousWindow, resolvePeriod, utcDate, utcDays } from './periods.js';
import { burnRate, runway } from './runway.js';

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
  it('every period has a previous window of the same kind of length', () => {
    for (const name of PERIOD_NAMES) {
      const w = resolvePeriod(name, now);
      const p = previousWindow(w);
      expect(p.end.getTime()).toBeLessThanOrEqual(w.start.getTime());
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

describe('burn rate and runway', () => {
  const daily = [
    { date: '2026-12-24', usd: 100 },
    { date: '2026-12-27', usd: 7 },
    { date: '2026-12-31', usd: 14 },
  ];
  it('averages the last 7 days, missing days counting as zero', () => {
    expect(burnRate(daily)).toEqual({ perDay: 3, days: 7, total: 21 });
    expect(burnRate(daily, { until: '2027-01-01', days: 10 }).total).toBe(121);
    expect(burnRate([])).toEqual({ perDay: 0, days: 7, total: 0 });
  });
  it('computes the run-out date across a year end', () => {
    const r = runway(30, 3, at('2026-12-25T00:00:00Z'));
    expect(r.days).toBe(10);
    expect(r.runOutDate?.toISOString()).toBe('2027-01-04T00:00:00.000Z');
  });
  it('has no run-out without burn, and runs out now when the balance is gone', () => {
    expect(runway(50, 0, at('2026-01-01T00:00:00Z'))).toEqual({ days: null, runOutDate: null });
    expect(runway(-2, 5, at('2026-01-01T00:00:00Z'))).toEqual({ days: 0, runOutDate: at('2026-01-01T00:00:00Z') });
  });
});
