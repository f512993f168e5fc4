import { describe, expect, it } from 'vitest';
import {
  assessRunaway,
  intervals,
  type KeyReading,
  keyBudgetShare,
  keyBudgetVerdict,
  spendBetween,
} from './key-rates.js';

const at = (iso: string) => new Date(iso);
const r = (iso: string, usage: number, usageDaily: number): KeyReading => ({ at: at(iso), usage, usageDaily });
const base = { factor: 5, floorPerHour: 1 };

describe('spendBetween', () => {
  it('is the change of the all-time usage, even across UTC midnight where the day counter resets', () => {
    expect(spendBetween(r('2026-11-30T23:55:00Z', 100, 40), r('2026-12-01T00:05:00Z', 103, 1))).toBeCloseTo(3);
  });
  it('falls back to the day counter when the all-time usage went backwards', () => {
    expect(spendBetween(r('2026-12-01T10:00:00Z', 100, 4), r('2026-12-01T10:10:00Z', 2, 6))).toBeCloseTo(2);
    expect(spendBetween(r('2026-11-30T23:00:00Z', 100, 4), r('2026-12-01T01:00:00Z', 2, 1.5))).toBeCloseTo(1.5);
  });
});

describe('intervals', () => {
  it('merges readings closer than the minimum window', () => {
    const spans = intervals([
      r('2026-12-01T10:00:00Z', 0, 0),
      r('2026-12-01T10:01:00Z', 1, 1),
      r('2026-12-01T10:05:00Z', 2, 2),
    ]);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.usd).toBeCloseTo(2);
    expect(spans[0]?.perHour).toBeCloseTo(24);
  });
});

describe('assessRunaway', () => {
  const now = at('2026-12-01T12:00:00Z');
  it('reports a key over factor × its normal hourly rate, since the first interval over it, with the day projection', () => {
    const a = assessRunaway({
      ...base,
      now,
      last7DaysUsd: 168, // $1/h normally → level $5/h
      readings: [
        r('2026-12-01T11:00:00Z', 50, 10),
        r('2026-12-01T11:30:00Z', 50.5, 10.5), // $1/h
        r('2026-12-01T11:45:00Z', 53, 13), // $10/h
        r('2026-12-01T12:00:00Z', 56, 16), // $12/h
      ],
    });
    expect(a.status).toBe('runaway');
    expect(a.perHour).toBeCloseTo(12);
    expect(a.level).toBeCloseTo(5);
    expect(a.since?.toISOString()).toBe('2026-12-01T11:30:00.000Z');
    expect(a.projectedToday).toBeCloseTo(16 + 12 * 12);
  });
  it('a long gap between readings gives the average over the gap, not a spike', () => {
    const a = assessRunaway({
      ...base,
      now,
      last7DaysUsd: 168,
      readings: [r('2026-12-01T06:00:00Z', 50, 10), r('2026-12-01T12:00:00Z', 74, 34)], // $24 over 6 h
    });
    expect(a.perHour).toBeCloseTo(4);
    expect(a.status).toBe('calm');
  });
  it('the day counter resetting at UTC midnight does not hide the spend', () => {
    const a = assessRunaway({
      ...base,
      now: at('2026-12-01T00:10:00Z'),
      last7DaysUsd: 0,
      readings: [r('2026-11-30T23:50:00Z', 80, 60), r('2026-12-01T00:10:00Z', 84, 2)],
    });
    expect(a.perHour).toBeCloseTo(12);
    expect(a.status).toBe('runaway');
    expect(a.projectedToday).toBeCloseTo(2 + 12 * (23 + 50 / 60));
  });
  it('a limit reset (limit_remaining back up) does not change the rate: usage is all-time', () => {
    const a = assessRunaway({
      ...base,
      now,
      last7DaysUsd: 168,
      readings: [r('2026-12-01T11:50:00Z', 10, 1), r('2026-12-01T12:00:00Z', 10.1, 1.1)],
    });
    expect(a.status).toBe('calm');
    expect(a.cleared).toBe(true);
  });
  it('a new key with no history is judged by the floor alone', () => {
    const readings = [r('2026-12-01T11:50:00Z', 0, 0), r('2026-12-01T12:00:00Z', 0.1, 0.1)]; // $0.60/h
    expect(assessRunaway({ ...base, now, last7DaysUsd: null, readings }).status).toBe('calm');
    const fast = [r('2026-12-01T11:50:00Z', 0, 0), r('2026-12-01T12:00:00Z', 0.5, 0.5)]; // $3/h
    const a = assessRunaway({ ...base, now, last7DaysUsd: null, readings: fast });
    expect(a.status).toBe('runaway');
    expect(a.level).toBe(1);
  });
  it('a deleted key, a single reading or stale readings are not judged', () => {
    const readings = [r('2026-12-01T11:50:00Z', 0, 0), r('2026-12-01T12:00:00Z', 5, 5)];
    expect(assessRunaway({ ...base, now, last7DaysUsd: 0, readings, gone: true }).status).toBe('unknown');
    expect(assessRunaway({ ...base, now, last7DaysUsd: 0, readings: readings.slice(1) }).status).toBe('unknown');
    expect(assessRunaway({ ...base, now: at('2026-12-01T18:00:00Z'), last7DaysUsd: 0, readings }).status).toBe(
      'unknown',
    );
  });
  it('re-arms only once the rate is well under the level (hysteresis)', () => {
    const at4 = [r('2026-12-01T11:50:00Z', 0, 0), r('2026-12-01T12:00:00Z', 0.75, 0.75)]; // $4.5/h, level 5
    const a = assessRunaway({ ...base, now, last7DaysUsd: 168, readings: at4 });
    expect(a.status).toBe('calm');
    expect(a.cleared).toBe(false);
  });
});

describe('key budget share', () => {
  const key = {
    limit: 100,
    limitRemaining: 15,
    limitReset: 'monthly',
    usage: 500,
    usageDaily: 5,
    usageWeekly: 30,
    usageMonthly: 85,
  };
  it('is the spend in the limit window over the limit, labelled by limit and period', () => {
    expect(keyBudgetShare(key, at('2026-12-01T10:00:00Z'))).toEqual({
      percent: 85,
      spent: 85,
      period: '100|monthly|2026-12',
    });
    expect(keyBudgetShare({ ...key, limitReset: 'weekly' }, at('2026-12-03T10:00:00Z'))?.period).toBe(
      '100|weekly|2026-11-30',
    );
    expect(
      keyBudgetShare({ ...key, limitRemaining: null, limitReset: 'daily' }, at('2026-12-03T10:00:00Z'))?.percent,
    ).toBe(5);
    expect(keyBudgetShare({ ...key, limit: null }, at('2026-12-03T10:00:00Z'))).toBeNull();
  });
  it('fires at the threshold and re-arms 5 points under it', () => {
    expect(keyBudgetVerdict('armed', 80, 80)).toBe('fire');
    expect(keyBudgetVerdict('armed', 80, 79.9)).toBe('none');
    expect(keyBudgetVerdict('fired', 80, 76)).toBe('none');
    expect(keyBudgetVerdict('fired', 80, 74.9)).toBe('clear');
  });
});
