import { describe, expect, it } from 'vitest';
import { addUtcDays, parseTopupTarget, planTopup, seasonality } from './topup.js';

const days = (from: string, n: number, usd: (date: string) => number) =>
  Array.from({ length: n }, (_, i) => addUtcDays(from, i)).map((date) => ({ date, usd: usd(date) }));
const weekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

describe('seasonality', () => {
  it('averages weekdays and weekend days of the last 28 complete days separately', () => {
    const history = days('2026-11-03', 28, (d) => (weekend(d) ? 2 : 10));
    expect(seasonality(history, '2026-11-30')).toEqual({ weekday: 10, weekend: 2, days: 28 });
  });
  it('counts a day without spend inside the history as zero, but not days before the history starts', () => {
    const history = days('2026-11-23', 7, () => 7).filter((d) => d.date !== '2026-11-25');
    const s = seasonality(history, '2026-11-29');
    expect(s.days).toBe(7);
    expect(s.weekday).toBeCloseTo((7 * 4) / 5);
  });
  it('uses the other kind when one has no day, and 0 without history', () => {
    expect(seasonality([{ date: '2026-11-30', usd: 4 }], '2026-11-30')).toEqual({ weekday: 4, weekend: 4, days: 1 });
    expect(seasonality([], '2026-11-30')).toEqual({ weekday: 0, weekend: 0, days: 0 });
  });
});

describe('planTopup', () => {
  const rates = { weekday: 10, weekend: 2, days: 28 };
  it('sums weekday and weekend rates across a month end, counting the rest of today', () => {
    // Fri 2026-11-27 12:00 → Tue 2026-12-01 00:00: ½ Fri + Sat + Sun + Mon = 5 + 2 + 2 + 10
    const plan = planTopup({
      balance: 5,
      rates,
      now: new Date('2026-11-27T12:00:00Z'),
      until: new Date('2026-12-01T00:00:00Z'),
    });
    expect(plan.needed).toBeCloseTo(19);
    expect(plan.buy).toBeCloseTo(14);
    expect(plan.runsOut).toBe('2026-11-28');
  });
  it('crosses a year end and a leap day', () => {
    const plan = planTopup({
      balance: 1000,
      rates,
      now: new Date('2026-12-31T00:00:00Z'),
      until: new Date('2027-01-02T00:00:00Z'),
    });
    expect(plan.needed).toBeCloseTo(20); // Thu 31 Dec + Fri 1 Jan
    expect(plan.buy).toBe(0);
    const leap = planTopup({
      balance: 0.5,
      rates: { weekday: 1, weekend: 1, days: 28 },
      now: new Date('2028-02-28T00:00:00Z'),
      until: new Date('2028-03-01T00:00:00Z'),
    });
    expect(leap.needed).toBeCloseTo(2); // 28 and 29 February 2028
    expect(leap.runsOut).toBe('2028-02-28');
    const dec = planTopup({
      balance: 30,
      rates: { weekday: 1, weekend: 1, days: 28 },
      now: new Date('2026-12-15T00:00:00Z'),
      until: new Date('2027-01-15T00:00:00Z'),
    });
    expect(dec.runsOut).toBe('2027-01-14');
  });
  it('nothing burning: no run-out date; an empty balance runs out today', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const until = new Date('2026-12-08T00:00:00Z');
    expect(planTopup({ balance: 5, rates: { weekday: 0, weekend: 0, days: 0 }, now, until })).toEqual({
      needed: 0,
      buy: 0,
      runsOut: null,
    });
    expect(planTopup({ balance: -1, rates, now, until }).runsOut).toBe('2026-12-01');
  });
});

describe('parseTopupTarget', () => {
  const now = new Date('2026-12-30T10:00:00Z');
  it('reads days and dates, default 30 days', () => {
    expect(parseTopupTarget(undefined, now)).toMatchObject({ ok: true, until: new Date('2027-01-29T10:00:00Z') });
    expect(parseTopupTarget('14d', now)).toMatchObject({ ok: true, label: '14 days (until 2027-01-13)' });
    expect(parseTopupTarget('2027-01-01', now)).toMatchObject({ ok: true, until: new Date('2027-01-02T00:00:00Z') });
  });
  it('refuses absurd days, past and impossible dates with a clear reason', () => {
    expect(parseTopupTarget('0', now)).toMatchObject({ ok: false });
    expect(parseTopupTarget('99999', now)).toMatchObject({ ok: false, reason: expect.stringContaining('at most 366') });
    expect(parseTopupTarget('2026-12-30', now)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not in the future'),
    });
    expect(parseTopupTarget('2027-02-30', now)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a real date'),
    });
    expect(parseTopupTarget('2029-01-01', now)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('too far'),
    });
    expect(parseTopupTarget('soon', now)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('Try: topup 30'),
    });
  });
});
