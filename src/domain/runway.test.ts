import { describe, expect, it } from 'vitest';
import { burnRate, runway } from './runway.js';

const at = (iso: string) => new Date(iso);

describe('burnRate', () => {
  const daily = [
    { date: '2026-12-24', usd: 100 },
    { date: '2026-12-27', usd: 7 },
    { date: '2026-12-31', usd: 14 },
  ];

  it('averages the last 7 days up to the newest date present, missing days counting as zero', () => {
    expect(burnRate(daily)).toEqual({ perDay: 3, days: 7, total: 21 });
    expect(burnRate([])).toEqual({ perDay: 0, days: 7, total: 0 });
  });

  it('takes a span length and an explicit end (today), across the turn of the year', () => {
    expect(burnRate(daily, { until: '2027-01-01', days: 10 })).toEqual({ perDay: 12.1, days: 10, total: 121 });
    // Three quiet days (Jan 1–3) at the end of the span count as zero rather than moving the span back.
    expect(burnRate(daily, { until: '2027-01-04' })).toEqual({ perDay: 2, days: 7, total: 14 });
    expect(burnRate([], { until: '2027-01-03' })).toEqual({ perDay: 0, days: 7, total: 0 });
  });

  it('excludes the end day itself (today is not complete) and adds up rows of one date', () => {
    const rows = [
      { date: '2026-03-01', usd: 5 },
      { date: '2026-03-01', usd: 2 },
      { date: '2026-03-02', usd: 1000 },
    ];
    expect(burnRate(rows, { until: '2026-03-02', days: 1 })).toEqual({ perDay: 7, days: 1, total: 7 });
  });

  it('spans a leap day', () => {
    const rows = [
      { date: '2028-02-28', usd: 1 },
      { date: '2028-02-29', usd: 2 },
      { date: '2028-03-01', usd: 4 },
    ];
    expect(burnRate(rows, { until: '2028-03-02', days: 2 }).total).toBe(6);
    expect(burnRate(rows, { until: '2028-03-02', days: 3 }).total).toBe(7);
  });

  it('ignores malformed rows and absurd span lengths', () => {
    const rows = [
      { date: 'garbage', usd: 50 },
      { date: '2026-05-01', usd: Number.NaN },
      { date: '2026-05-01', usd: 7 },
    ];
    expect(burnRate(rows)).toEqual({ perDay: 1, days: 7, total: 7 });
    expect(burnRate(rows, { days: 0 }).days).toBe(1);
    expect(burnRate(rows, { days: Number.NaN }).days).toBe(7);
    expect(burnRate(rows, { until: 'soon' }).total).toBe(7);
  });
});

describe('runway', () => {
  it('computes the run-out date across a year end', () => {
    const r = runway(30, 3, at('2026-12-25T00:00:00Z'));
    expect(r.days).toBe(10);
    expect(r.runOutDate?.toISOString()).toBe('2027-01-04T00:00:00.000Z');
  });

  it('computes the run-out date across a month end, keeping the time of day', () => {
    const r = runway(25, 10, at('2026-02-27T12:00:00Z'));
    expect(r.days).toBe(2.5);
    expect(r.runOutDate?.toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('has no run-out without burn', () => {
    expect(runway(50, 0, at('2026-01-01T00:00:00Z'))).toEqual({ days: null, runOutDate: null });
    expect(runway(50, -3, at('2026-01-01T00:00:00Z'))).toEqual({ days: null, runOutDate: null });
    expect(runway(50, Number.NaN, at('2026-01-01T00:00:00Z'))).toEqual({ days: null, runOutDate: null });
  });

  it('runs out now when the balance is gone or negative, even without burn', () => {
    const now = at('2026-01-01T00:00:00Z');
    expect(runway(-2, 5, now)).toEqual({ days: 0, runOutDate: now });
    expect(runway(0, 5, now)).toEqual({ days: 0, runOutDate: now });
    expect(runway(-2, 0, now)).toEqual({ days: 0, runOutDate: now });
  });

  it('keeps the days but drops a date beyond what a Date can hold', () => {
    const r = runway(1e9, 1e-12, at('2026-01-01T00:00:00Z'));
    expect(r.days).toBe(1e21);
    expect(r.runOutDate).toBeNull();
  });
});
